import { randomBytes } from 'node:crypto';
import { ByteQueue } from './byte-queue';
import type { StreamItem } from './stream-item';

const PREVIEW_BYTES = 64 * 1024;

export const OPCODES = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

/** A control frame the connection must answer (ping → pong, close → close). */
export interface ControlFrame {
  readonly opcode: number;
  readonly payload: Buffer;
}

/** RFC 6455 §5.5: control frames carry at most 125 bytes and are never fragmented. */
const MAX_CONTROL_PAYLOAD_BYTES = 125;
/**
 * A message larger than `maxMessageBytes` is skipped and dead-lettered; one declaring more than
 * this in total is not worth reading at all: the connection is closed (1009, message too big).
 */
export const MAX_SKIPPED_MESSAGE_BYTES = 1024 * 1024 * 1024;

/** Close codes (RFC 6455 §7.4.1) the reader's protocol errors call for. */
export const CLOSE_CODES = { protocolError: 1002, messageTooBig: 1009 } as const;

/**
 * The peer broke the protocol (or sent a frame too large to be worth reading); the connection
 * must be closed with `closeCode`. Nothing after it is parsed.
 */
export class WebSocketProtocolError extends Error {
  override readonly name = 'WebSocketProtocolError';
  constructor(
    message: string,
    readonly closeCode: number,
  ) {
    super(message);
  }
}

interface FrameHeader {
  readonly fin: boolean;
  readonly opcode: number;
  readonly masked: boolean;
  readonly length: number;
  /** Header bytes including the masking key. */
  readonly bytes: number;
}

/**
 * An incremental reader of WebSocket frames (RFC 6455 §5) as a client receives them: text and
 * binary messages, fragmented or not, become `message` items (binary read as UTF-8); control
 * frames are returned for the connection to answer. Memory and work are bounded by construction:
 * received chunks are queued without copying and each byte is copied at most once; a control
 * frame over 125 bytes, a fragmented control frame, reserved bits or opcodes, a continuation
 * out of place or a length over 2^63 throw `WebSocketProtocolError` as soon as the header is
 * read (before any payload is buffered). A message larger than `maxMessageBytes` is skipped byte
 * by byte, never buffered, and reported as `oversized` with a preview; one declaring more than
 * MAX_SKIPPED_MESSAGE_BYTES is a protocol error (1009).
 */
export class WebSocketFrameReader {
  private readonly queue = new ByteQueue();
  private fragments: Buffer[] = [];
  private fragmentBytes = 0;
  /** A text/binary message has started and awaits continuation frames. */
  private inMessage = false;
  /** Bytes of the current frame's payload still to skip, for an oversized message. */
  private skipping: { remaining: number; final: boolean } | undefined;
  /** The message being skipped: its size so far and the first PREVIEW_BYTES of it. */
  private oversizedMessage: { bytes: number; preview: Buffer[]; previewBytes: number } | undefined;
  private failed: WebSocketProtocolError | undefined;

  constructor(private readonly maxMessageBytes: number) {}

  push(chunk: Buffer): { readonly items: StreamItem[]; readonly control: ControlFrame[] } {
    if (this.failed !== undefined) throw this.failed;
    const items: StreamItem[] = [];
    const control: ControlFrame[] = [];
    this.queue.push(chunk);
    try {
      this.parse(items, control);
    } catch (error) {
      if (error instanceof WebSocketProtocolError) this.failed = error;
      throw error;
    }
    return { items, control };
  }

  private parse(items: StreamItem[], control: ControlFrame[]): void {
    for (;;) {
      if (this.skipping !== undefined) {
        const skipping = this.skipping;
        const piece = this.queue.take(Math.min(skipping.remaining, this.queue.length));
        const message = this.oversizedMessage;
        if (message !== undefined && message.previewBytes < PREVIEW_BYTES && piece.length > 0) {
          const kept = piece.subarray(0, PREVIEW_BYTES - message.previewBytes);
          message.preview.push(Buffer.from(kept));
          message.previewBytes += kept.length;
        }
        skipping.remaining -= piece.length;
        if (skipping.remaining > 0) return;
        this.skipping = undefined;
        if (skipping.final) items.push(this.takeOversized());
        continue;
      }
      const header = readHeader(this.queue);
      if (header === undefined) return;
      const { fin, opcode, masked, length } = header;
      const isControl = opcode >= 0x8;
      if (isControl) {
        if (this.queue.length < header.bytes + length) return;
        this.queue.skip(header.bytes - (masked ? 4 : 0));
        const mask = masked ? this.queue.take(4) : undefined;
        const payload = this.queue.take(length);
        control.push({ opcode, payload: mask === undefined ? Buffer.from(payload) : unmask(payload, mask) });
        continue;
      }
      if (opcode === OPCODES.continuation ? !this.inMessage : this.inMessage) {
        throw new WebSocketProtocolError(
          opcode === OPCODES.continuation ? 'continuation frame without a message to continue' : 'new message before the previous one was finished',
          CLOSE_CODES.protocolError,
        );
      }
      const total = (this.oversizedMessage?.bytes ?? this.fragmentBytes) + length;
      if (total > MAX_SKIPPED_MESSAGE_BYTES) {
        throw new WebSocketProtocolError(`message of ${total} bytes or more exceeds ${MAX_SKIPPED_MESSAGE_BYTES}`, CLOSE_CODES.messageTooBig);
      }
      if (this.oversizedMessage !== undefined || total > this.maxMessageBytes) {
        this.inMessage = !fin;
        if (this.oversizedMessage === undefined) {
          const preview = Buffer.concat(this.fragments, this.fragmentBytes).subarray(0, PREVIEW_BYTES);
          this.oversizedMessage = { bytes: this.fragmentBytes, preview: [preview], previewBytes: preview.length };
          this.fragments = [];
          this.fragmentBytes = 0;
        }
        this.oversizedMessage.bytes += length;
        this.queue.skip(header.bytes);
        this.skipping = { remaining: length, final: fin };
        continue;
      }
      if (this.queue.length < header.bytes + length) return;
      this.inMessage = !fin;
      this.queue.skip(header.bytes - (masked ? 4 : 0));
      const mask = masked ? this.queue.take(4) : undefined;
      const payload = this.queue.take(length);
      this.fragments.push(mask === undefined ? Buffer.from(payload) : unmask(payload, mask));
      this.fragmentBytes += length;
      if (fin) {
        items.push({ kind: 'message', type: 'message', data: Buffer.concat(this.fragments, this.fragmentBytes).toString('utf8'), id: undefined });
        this.fragments = [];
        this.fragmentBytes = 0;
      }
    }
  }

  private takeOversized(): StreamItem {
    const message = this.oversizedMessage ?? { bytes: 0, preview: [], previewBytes: 0 };
    this.oversizedMessage = undefined;
    return { kind: 'oversized', bytes: message.bytes, preview: Buffer.concat(message.preview).toString('utf8'), id: undefined };
  }
}

/** Reads and checks a frame header; undefined until all its bytes (masking key included) arrived. */
function readHeader(queue: ByteQueue): FrameHeader | undefined {
  const b0 = queue.at(0);
  const b1 = queue.at(1);
  if (b0 === undefined || b1 === undefined) return undefined;
  const fin = (b0 & 0x80) !== 0;
  const opcode = b0 & 0x0f;
  const masked = (b1 & 0x80) !== 0;
  if ((b0 & 0x70) !== 0) throw new WebSocketProtocolError('reserved bits set without a negotiated extension', CLOSE_CODES.protocolError);
  if (!KNOWN_OPCODES.has(opcode)) throw new WebSocketProtocolError(`unknown opcode 0x${opcode.toString(16)}`, CLOSE_CODES.protocolError);
  const isControl = opcode >= 0x8;
  let length = b1 & 0x7f;
  if (isControl && (length > MAX_CONTROL_PAYLOAD_BYTES || !fin)) {
    // Checked on the first two bytes: a ping "of 2^40 bytes" is refused before its length is even read.
    throw new WebSocketProtocolError(
      !fin ? 'fragmented control frame' : `control frame (opcode 0x${opcode.toString(16)}) longer than ${MAX_CONTROL_PAYLOAD_BYTES} bytes`,
      CLOSE_CODES.protocolError,
    );
  }
  let bytes = 2;
  if (length === 126) {
    const extended = queue.peek(4);
    if (extended === undefined) return undefined;
    length = extended.readUInt16BE(2);
    bytes = 4;
  } else if (length === 127) {
    const extended = queue.peek(10);
    if (extended === undefined) return undefined;
    const big = extended.readBigUInt64BE(2);
    if (big >> 63n !== 0n) throw new WebSocketProtocolError('payload length with the most significant bit set', CLOSE_CODES.protocolError);
    length = big > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(big);
    bytes = 10;
  }
  if (masked) bytes += 4;
  if (queue.length < bytes) return undefined;
  return { fin, opcode, masked, length, bytes };
}

const KNOWN_OPCODES: ReadonlySet<number> = new Set(Object.values(OPCODES));

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
