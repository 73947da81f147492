import { randomBytes } from 'node:crypto';
import type { StreamItem } from './stream-item';

const PREVIEW_BYTES = 64 * 1024;

export const OPCODES = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

/** A control frame the connection must answer (ping → pong, close → close). */
export interface ControlFrame {
  readonly opcode: number;
  readonly payload: Buffer;
}

/**
 * An incremental reader of WebSocket frames (RFC 6455 §5) as a client receives them: text and
 * binary messages, fragmented or not, become `message` items (binary read as UTF-8); control
 * frames are returned for the connection to answer. A message larger than `maxMessageBytes` is
 * skipped byte by byte, never buffered, and reported as `oversized` with a preview.
 */
export class WebSocketFrameReader {
  private pending: Buffer = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  private fragmentBytes = 0;
  /** Bytes of the current frame's payload still to skip, for an oversized message. */
  private skipping: { remaining: number; total: number; preview: Buffer; final: boolean } | undefined;
  private oversizedMessage: { bytes: number; preview: Buffer } | undefined;

  constructor(private readonly maxMessageBytes: number) {}

  push(chunk: Buffer): { readonly items: StreamItem[]; readonly control: ControlFrame[] } {
    const items: StreamItem[] = [];
    const control: ControlFrame[] = [];
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    for (;;) {
      if (this.skipping !== undefined) {
        const take = Math.min(this.skipping.remaining, this.pending.length);
        if (this.skipping.preview.length < PREVIEW_BYTES) {
          this.skipping.preview = Buffer.concat([this.skipping.preview, this.pending.subarray(0, Math.min(take, PREVIEW_BYTES - this.skipping.preview.length))]);
        }
        this.skipping.remaining -= take;
        this.pending = this.pending.subarray(take);
        if (this.skipping.remaining > 0) break;
        const { total, preview, final } = this.skipping;
        this.skipping = undefined;
        this.oversizedMessage = { bytes: (this.oversizedMessage?.bytes ?? this.fragmentBytes) + total, preview: this.oversizedMessage?.preview ?? preview };
        this.fragments = [];
        this.fragmentBytes = 0;
        if (final) items.push(this.takeOversized());
        continue;
      }
      const header = readHeader(this.pending);
      if (header === undefined) break;
      const { fin, opcode, masked, length, headerBytes } = header;
      const isControl = opcode >= 0x8;
      if (!isControl && (this.oversizedMessage !== undefined || this.fragmentBytes + length > this.maxMessageBytes)) {
        this.pending = this.pending.subarray(headerBytes + (masked ? 4 : 0));
        this.skipping = { remaining: length, total: length, preview: Buffer.concat(this.fragments).subarray(0, PREVIEW_BYTES), final: fin };
        continue;
      }
      const start = headerBytes + (masked ? 4 : 0);
      if (this.pending.length < start + length) break;
      let payload = this.pending.subarray(start, start + length);
      if (masked) payload = unmask(payload, this.pending.subarray(headerBytes, headerBytes + 4));
      this.pending = this.pending.subarray(start + length);
      if (isControl) {
        control.push({ opcode, payload: Buffer.from(payload) });
        continue;
      }
      this.fragments.push(Buffer.from(payload));
      this.fragmentBytes += payload.length;
      if (fin) {
        items.push({ kind: 'message', type: 'message', data: Buffer.concat(this.fragments).toString('utf8'), id: undefined });
        this.fragments = [];
        this.fragmentBytes = 0;
      }
    }
    return { items, control };
  }

  private takeOversized(): StreamItem {
    const message = this.oversizedMessage ?? { bytes: 0, preview: Buffer.alloc(0) };
    this.oversizedMessage = undefined;
    return { kind: 'oversized', bytes: message.bytes, preview: message.preview.toString('utf8'), id: undefined };
  }
}

function readHeader(buffer: Buffer): { fin: boolean; opcode: number; masked: boolean; length: number; headerBytes: number } | undefined {
  if (buffer.length < 2) return undefined;
  const b0 = buffer[0] ?? 0;
  const b1 = buffer[1] ?? 0;
  let length = b1 & 0x7f;
  let headerBytes = 2;
  if (length === 126) {
    if (buffer.length < 4) return undefined;
    length = buffer.readUInt16BE(2);
    headerBytes = 4;
  } else if (length === 127) {
    if (buffer.length < 10) return undefined;
    length = Number(buffer.readBigUInt64BE(2));
    headerBytes = 10;
  }
  const masked = (b1 & 0x80) !== 0;
  if (buffer.length < headerBytes + (masked ? 4 : 0)) return undefined;
  return { fin: (b0 & 0x80) !== 0, opcode: b0 & 0x0f, masked, length, headerBytes };
}

function unmask(payload: Buffer, mask: Buffer): Buffer {
  const out = Buffer.alloc(payload.length);
  for (let i = 0; i < payload.length; i += 1) out[i] = (payload[i] ?? 0) ^ (mask[i % 4] ?? 0);
  return out;
}

/** A client frame (always masked, RFC 6455 §5.3), final, with one opcode. */
export function encodeClientFrame(opcode: number, payload: Buffer): Buffer {
  const mask = randomBytes(4);
  const length = payload.length;
  const header = length < 126 ? Buffer.from([0x80 | opcode, 0x80 | length]) : length < 65_536 ? Buffer.alloc(4) : Buffer.alloc(10);
  if (length >= 126 && length < 65_536) {
    header[0] = 0x80 | opcode;
    header[1] = 0x80 | 126;
    header.writeUInt16BE(length, 2);
  } else if (length >= 65_536) {
    header[0] = 0x80 | opcode;
    header[1] = 0x80 | 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  return Buffer.concat([header, mask, unmask(payload, mask)]);
}
