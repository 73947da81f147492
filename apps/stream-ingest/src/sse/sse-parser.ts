import type { StreamItem } from '../transport/stream-item';

const LF = 0x0a;
const CR = 0x0d;
const PREVIEW_BYTES = 64 * 1024;

/**
 * An incremental parser of the Server-Sent Events wire format (WHATWG HTML, "event stream
 * interpretation"): lines end in CRLF, LF or CR; `:` starts a comment; `field: value` (one leading
 * space dropped); `data` lines join with LF; a blank line dispatches; `id` sets the last event id,
 * which persists across events (and is ignored when it contains NUL); `retry` takes digits only;
 * a leading BOM is dropped; an event unfinished at EOF is discarded.
 *
 * Memory stays bounded: a line longer than `maxLineBytes` (or an event whose data grows past it)
 * is not buffered — its bytes are counted and its event is reported as `oversized` with a preview.
 * Lines are split on bytes (CR and LF never occur inside a UTF-8 sequence) and decoded whole.
 */
export class SseParser {
  private parts: Buffer[] = [];
  private partBytes = 0;
  private skipLeadingLf = false;
  private atStart = true;
  /** The line being dropped for its length: bytes so far and the first bytes, for the preview. */
  private overlong: { bytes: number; head: Buffer } | undefined;
  private eventType = '';
  private data: string[] = [];
  private dataBytes = 0;
  private oversized: { bytes: number; preview: string } | undefined;
  private lastEventId: string | undefined;

  constructor(private readonly maxLineBytes: number) {}

  /** Parses one chunk; returns what it completed (often nothing, for a partial line or a comment). */
  push(chunk: Buffer): StreamItem[] {
    const out: StreamItem[] = [];
    let start = 0;
    if (this.skipLeadingLf && chunk.length > 0) {
      if (chunk[0] === LF) start = 1;
      this.skipLeadingLf = false;
    }
    for (let i = start; i < chunk.length; i += 1) {
      const byte = chunk[i];
      if (byte !== LF && byte !== CR) continue;
      this.append(chunk.subarray(start, i));
      this.endLine(out);
      if (byte === CR) {
        if (i + 1 < chunk.length) {
          if (chunk[i + 1] === LF) i += 1;
        } else {
          this.skipLeadingLf = true;
        }
      }
      start = i + 1;
    }
    this.append(chunk.subarray(start));
    return out;
  }

  /** End of stream: an unfinished event is discarded, as the spec says. */
  end(): void {
    this.parts = [];
    this.partBytes = 0;
    this.overlong = undefined;
    this.resetEvent();
  }

  private append(bytes: Buffer): void {
    if (bytes.length === 0) return;
    if (this.overlong !== undefined) {
      this.overlong.bytes += bytes.length;
      return;
    }
    if (this.partBytes + bytes.length > this.maxLineBytes) {
      const head = Buffer.concat([...this.parts, bytes]).subarray(0, PREVIEW_BYTES);
      this.overlong = { bytes: this.partBytes + bytes.length, head: Buffer.from(head) };
      this.parts = [];
      this.partBytes = 0;
      return;
    }
    this.parts.push(Buffer.from(bytes)); // copy: the chunk's memory is reused by the socket
    this.partBytes += bytes.length;
  }

  private endLine(out: StreamItem[]): void {
    if (this.overlong !== undefined) {
      const { bytes, head } = this.overlong;
      this.overlong = undefined;
      this.atStart = false;
      if (head[0] !== 0x3a) this.markOversized(bytes, head.toString('utf8')); // an overlong comment is just skipped
      return;
    }
    let line = this.parts.length === 1 ? (this.parts[0]?.toString('utf8') ?? '') : Buffer.concat(this.parts).toString('utf8');
    const lineBytes = this.partBytes;
    this.parts = [];
    this.partBytes = 0;
    if (this.atStart) {
      this.atStart = false;
      if (line.startsWith('\uFEFF')) line = line.slice(1);
    }
    if (line === '') {
      this.dispatch(out);
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.eventType = value;
        break;
      case 'data':
        if (this.oversized !== undefined) break;
        if (this.dataBytes + lineBytes > this.maxLineBytes) {
          this.markOversized(this.dataBytes + lineBytes, [...this.data, value].join('\n').slice(0, PREVIEW_BYTES));
          break;
        }
        this.data.push(value);
        this.dataBytes += lineBytes;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastEventId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) out.push({ kind: 'retry', ms: Number(value) });
        break;
      default:
        break; // unknown fields are ignored
    }
  }

  private markOversized(bytes: number, preview: string): void {
    if (this.oversized === undefined) {
      this.oversized = { bytes, preview };
      this.data = [];
      this.dataBytes = 0;
    } else {
      this.oversized = { ...this.oversized, bytes: this.oversized.bytes + bytes };
    }
  }

  private dispatch(out: StreamItem[]): void {
    if (this.oversized !== undefined) {
      out.push({ kind: 'oversized', bytes: this.oversized.bytes, preview: this.oversized.preview, id: this.lastEventId });
    } else if (this.data.length > 0) {
      out.push({ kind: 'message', type: this.eventType === '' ? 'message' : this.eventType, data: this.data.join('\n'), id: this.lastEventId });
    }
    this.resetEvent();
  }

  private resetEvent(): void {
    this.eventType = '';
    this.data = [];
    this.dataBytes = 0;
    this.oversized = undefined;
  }
}
