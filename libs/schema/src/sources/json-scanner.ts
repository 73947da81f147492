/**
 * An incremental JSON scanner: fed a document chunk by chunk (UTF-8 bytes, split anywhere), it
 * follows the document's structure byte by byte without building it, and hands over only the
 * values at the paths it was asked for, each parsed on its own with `JSON.parse` (native, strict).
 * Memory is one captured value plus one chunk, whatever the document's size: a 100 MB response of
 * 100,000 records never exists as one string or one object tree.
 *
 * Structure outside captured values is checked (brackets, colons, commas, string and scalar
 * tokens); captured values are checked in full by `JSON.parse`. Structural characters are ASCII and
 * never occur inside a multi-byte UTF-8 sequence, so scanning bytes is safe.
 */

/** Which values to hand over: the value at `path`, or every element/member of the container there. */
export interface ScanTarget {
  readonly id: string;
  /** Property names and array indexes from the root; `[]` is the root itself. */
  readonly path: readonly (string | number)[];
  readonly mode: 'value' | 'members';
}

export interface ScannedValue {
  readonly target: string;
  /** The member name (object members) or index (array elements) in `members` mode. */
  readonly member: string | number | undefined;
  readonly value: unknown;
}

/** Where a `members` target's container starts: its kind, to check the layout early. */
export interface ScannedContainer {
  readonly target: string;
  readonly kind: 'object' | 'array' | 'scalar';
}

export class JsonSyntaxError extends Error {
  override readonly name = 'JsonSyntaxError';
}

const enum Expect {
  Value,
  KeyOrEnd, // just after `{`
  Key, // after `,` in an object
  Colon,
  CommaOrObjectEnd,
  ValueOrArrayEnd, // just after `[`
  CommaOrArrayEnd,
  Done,
}

interface Frame {
  readonly kind: 'object' | 'array';
  /** Index of the current element (arrays) or name of the current member (objects, when tracked). */
  member: string | number | undefined;
  /** Number of path steps from the root to this container's members. */
  readonly depth: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const SCALAR_PATTERN = /^(true|false|null|-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?)$/;

/**
 * Feed chunks with `write`, then call `end` (which throws when the document is incomplete). Values
 * are returned by the call that completes them.
 */
export class JsonScanner {
  private readonly stack: Frame[] = [];
  private expect: Expect = Expect.Value;
  /** Deepest path depth whose member names must be decoded (beyond it, names are not needed). */
  private readonly trackDepth: number;
  // token state
  private inString = false;
  private stringIsKey = false;
  private escaped = false;
  private keyBytes: Uint8Array[] = [];
  private scalar = '';
  private inScalar = false;
  // capture state
  private capture: { readonly target: ScanTarget; readonly member: string | number | undefined; readonly depth: number; parts: Uint8Array[]; start: number } | null = null;
  /** A container being skipped or captured whole: only its nesting and strings are followed (fast). */
  private fast: { depth: number; inString: boolean; escaped: boolean } | null = null;
  private out: ScannedValue[] = [];
  private containers: ScannedContainer[] = [];
  private offset = 0;

  constructor(private readonly targets: readonly ScanTarget[]) {
    this.trackDepth = Math.max(0, ...targets.map((t) => t.path.length + (t.mode === 'members' ? 1 : 0)));
  }

  /** Bytes consumed so far. */
  get bytes(): number {
    return this.offset;
  }

  /** Containers of `members` targets seen since the last call (to check the layout). */
  takeContainers(): ScannedContainer[] {
    const seen = this.containers;
    this.containers = [];
    return seen;
  }

  write(chunk: Uint8Array): ScannedValue[] {
    this.out = [];
    const length = chunk.length;
    let i = 0;
    if (this.capture !== null) this.capture.start = 0;
    while (i < length) {
      if (this.fast !== null) {
        i = this.scanFast(chunk, i);
        continue;
      }
      if (this.inString) {
        i = this.scanString(chunk, i);
        continue;
      }
      if (this.inScalar) {
        const end = scalarEnd(chunk, i);
        this.scalar += latin1(chunk, i, end);
        if (this.scalar.length > 400) throw this.syntax(`a number or literal longer than 400 characters`);
        i = end;
        if (end < length) this.finishScalar(chunk, end);
        continue;
      }
      const byte = chunk[i] ?? 0;
      switch (byte) {
        case 0x20:
        case 0x09:
        case 0x0a:
        case 0x0d:
          i += 1;
          break;
        case 0x7b: // {
          if (this.beginValue(chunk, i, 'object')) this.fast = { depth: 1, inString: false, escaped: false };
          else {
            this.stack.push({ kind: 'object', member: undefined, depth: this.stack.length + 1 });
            this.expect = Expect.KeyOrEnd;
          }
          i += 1;
          break;
        case 0x5b: // [
          if (this.beginValue(chunk, i, 'array')) this.fast = { depth: 1, inString: false, escaped: false };
          else {
            this.stack.push({ kind: 'array', member: 0, depth: this.stack.length + 1 });
            this.expect = Expect.ValueOrArrayEnd;
          }
          i += 1;
          break;
        case 0x7d: // }
          if (this.expect !== Expect.KeyOrEnd && this.expect !== Expect.CommaOrObjectEnd) throw this.syntax(`unexpected "}"`);
          this.stack.pop();
          i += 1;
          this.endValue(chunk, i);
          break;
        case 0x5d: // ]
          if (this.expect !== Expect.ValueOrArrayEnd && this.expect !== Expect.CommaOrArrayEnd) throw this.syntax(`unexpected "]"`);
          this.stack.pop();
          i += 1;
          this.endValue(chunk, i);
          break;
        case 0x3a: // :
          if (this.expect !== Expect.Colon) throw this.syntax(`unexpected ":"`);
          this.expect = Expect.Value;
          i += 1;
          break;
        case 0x2c: {
          // ,
          const top = this.stack[this.stack.length - 1];
          if (this.expect === Expect.CommaOrObjectEnd) this.expect = Expect.Key;
          else if (this.expect === Expect.CommaOrArrayEnd && top !== undefined) {
            top.member = (top.member as number) + 1;
            this.expect = Expect.Value;
          } else throw this.syntax(`unexpected ","`);
          i += 1;
          break;
        }
        case QUOTE: {
          const isKey = this.expect === Expect.KeyOrEnd || this.expect === Expect.Key;
          if (!isKey) this.beginValue(chunk, i, 'scalar');
          this.inString = true;
          this.stringIsKey = isKey;
          this.escaped = false;
          this.keyBytes = [];
          i += 1;
          break;
        }
        default:
          if (byte === 0x2d || (byte >= 0x30 && byte <= 0x39) || byte === 0x74 || byte === 0x66 || byte === 0x6e) {
            this.beginValue(chunk, i, 'scalar');
            this.inScalar = true;
            this.scalar = '';
          } else {
            throw this.syntax(`unexpected character ${JSON.stringify(String.fromCharCode(byte))}`);
          }
      }
    }
    if (this.capture !== null) this.capture.parts.push(chunk.subarray(this.capture.start));
    this.offset += length;
    return this.out;
  }

  /** Completes the document; throws JsonSyntaxError when it is not one complete JSON value. */
  end(): ScannedValue[] {
    this.out = [];
    if (this.inScalar) this.finishScalar(new Uint8Array(0), 0);
    if (this.inString || this.fast !== null || this.expect !== Expect.Done) {
      throw new JsonSyntaxError(this.expect === Expect.Value && this.offset === 0 ? 'the body is empty' : `the body ends in the middle of a JSON value (after ${this.offset} bytes)`);
    }
    return this.out;
  }

  /**
   * Follows a container that is skipped or captured whole: only its nesting depth and its strings
   * (found with the native `indexOf`) matter; `JSON.parse` checks a captured one in full.
   */
  private scanFast(chunk: Uint8Array, from: number): number {
    const fast = this.fast;
    if (fast === null) return from;
    const length = chunk.length;
    let i = from;
    while (i < length) {
      if (fast.inString) {
        if (fast.escaped) {
          fast.escaped = false;
          i += 1;
          continue;
        }
        const quote = chunk.indexOf(QUOTE, i);
        if (quote < 0) {
          fast.escaped = backslashRunIsOdd(chunk, length, i);
          return length;
        }
        if (backslashRunIsOdd(chunk, quote, i)) {
          i = quote + 1;
          continue;
        }
        fast.inString = false;
        i = quote + 1;
        continue;
      }
      const byte = chunk[i] ?? 0;
      i += 1;
      if (byte === QUOTE) fast.inString = true;
      else if (byte === 0x7b || byte === 0x5b) fast.depth += 1;
      else if ((byte === 0x7d || byte === 0x5d) && --fast.depth === 0) {
        this.fast = null;
        this.endValue(chunk, i);
        return i;
      }
    }
    return i;
  }

  private scanString(chunk: Uint8Array, from: number): number {
    let i = from;
    const length = chunk.length;
    while (i < length) {
      const byte = chunk[i] ?? 0;
      if (this.escaped) {
        this.escaped = false;
      } else if (byte === BACKSLASH) {
        this.escaped = true;
      } else if (byte === QUOTE) {
        if (this.stringIsKey) {
          this.keyBytes.push(chunk.subarray(from, i));
          this.finishKey();
        } else {
          this.inString = false;
          this.endValue(chunk, i + 1);
        }
        this.inString = false;
        return i + 1;
      } else if (byte < 0x20) {
        throw this.syntax('a control character inside a string');
      }
      i += 1;
    }
    if (this.stringIsKey) this.keyBytes.push(chunk.subarray(from));
    return i;
  }

  private finishKey(): void {
    const top = this.stack[this.stack.length - 1];
    if (top !== undefined && top.depth <= this.trackDepth) {
      const bytes = this.keyBytes.length === 1 ? (this.keyBytes[0] ?? new Uint8Array(0)) : concat(this.keyBytes);
      const raw = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
      try {
        top.member = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
      } catch {
        throw this.syntax('an invalid escape in a member name');
      }
    } else if (top !== undefined) {
      top.member = undefined;
    }
    this.keyBytes = [];
    this.expect = Expect.Colon;
  }

  private finishScalar(chunk: Uint8Array, end: number): void {
    this.inScalar = false;
    if (!SCALAR_PATTERN.test(this.scalar)) throw this.syntax(`invalid literal ${JSON.stringify(this.scalar.slice(0, 40))}`);
    this.endValue(chunk, end);
  }

  /**
   * A value starts at `chunk[at]`: check it may, and start capturing it when a target asks. Returns
   * true when a container needs no structure followed inside (captured whole, or leading to no
   * target): the caller then follows it fast.
   */
  private beginValue(chunk: Uint8Array, at: number, kind: 'object' | 'array' | 'scalar'): boolean {
    if (this.expect !== Expect.Value && this.expect !== Expect.ValueOrArrayEnd) throw this.syntax('unexpected value');
    if (this.capture !== null) return false;
    const depth = this.stack.length;
    if (depth > this.trackDepth) return kind !== 'scalar';
    let descend = false;
    for (const target of this.targets) {
      if (target.path.length < depth - (target.mode === 'members' ? 1 : 0) || !this.atPath(target.path, depth)) continue;
      if (target.mode === 'value' && target.path.length === depth) {
        this.capture = { target, member: undefined, depth, parts: [], start: at };
        return kind !== 'scalar';
      }
      if (target.mode === 'members' && target.path.length === depth) this.containers.push({ target: target.id, kind });
      if (target.mode === 'members' && target.path.length + 1 === depth) {
        this.capture = { target, member: this.stack[depth - 1]?.member, depth, parts: [], start: at };
        return kind !== 'scalar';
      }
      if (target.path.length > depth || (target.mode === 'members' && target.path.length === depth)) descend = true;
    }
    return !descend && kind !== 'scalar';
  }

  /** A value ended just before `chunk[end]`: hand it over if it was captured; move the parent on. */
  private endValue(chunk: Uint8Array, end: number): void {
    const capture = this.capture;
    if (capture !== null && this.stack.length === capture.depth && !this.inString && this.fast === null) {
      capture.parts.push(chunk.subarray(capture.start, end));
      this.capture = null;
      const bytes = capture.parts.length === 1 ? (capture.parts[0] ?? new Uint8Array(0)) : concat(capture.parts);
      const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        throw this.syntax(error instanceof Error ? error.message : String(error));
      }
      this.out.push({ target: capture.target.id, member: capture.member, value });
    }
    const top = this.stack[this.stack.length - 1];
    this.expect = top === undefined ? Expect.Done : top.kind === 'object' ? Expect.CommaOrObjectEnd : Expect.CommaOrArrayEnd;
  }

  /** Whether the open containers lead along `path` (its first `depth` steps at most). */
  private atPath(path: readonly (string | number)[], depth: number = path.length): boolean {
    const steps = Math.min(path.length, depth);
    for (let d = 0; d < steps; d += 1) {
      const frame = this.stack[d];
      if (frame === undefined || frame.member !== path[d]) return false;
    }
    return true;
  }

  private syntax(problem: string): JsonSyntaxError {
    return new JsonSyntaxError(`${problem} (near byte ${this.offset})`);
  }
}

/** Whether the backslashes just before `end` (not before `from`) are odd in number: the byte at `end` is escaped. */
function backslashRunIsOdd(chunk: Uint8Array, end: number, from: number): boolean {
  let count = 0;
  for (let k = end - 1; k >= from && chunk[k] === BACKSLASH; k -= 1) count += 1;
  return count % 2 === 1;
}

/** Index of the first byte that cannot continue a number or literal. */
function scalarEnd(chunk: Uint8Array, from: number): number {
  let i = from;
  while (i < chunk.length) {
    const byte = chunk[i] ?? 0;
    const part = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x7a) || byte === 0x2d || byte === 0x2b || byte === 0x2e || byte === 0x45;
    if (!part) return i;
    i += 1;
  }
  return i;
}

function latin1(chunk: Uint8Array, from: number, to: number): string {
  let text = '';
  for (let i = from; i < to; i += 1) text += String.fromCharCode(chunk[i] ?? 0);
  return text;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const joined = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    joined.set(part, at);
    at += part.length;
  }
  return joined;
}
