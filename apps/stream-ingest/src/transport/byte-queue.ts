/**
 * Received bytes not yet parsed, kept as the chunks they arrived in. Appending never copies;
 * `take(n)` copies a range once (only when it spans chunks), so parsing a stream costs linear
 * work however it is chunked — unlike re-concatenating a pending buffer with every chunk.
 */
export class ByteQueue {
  private chunks: Buffer[] = [];
  /** Index of the first chunk with unread bytes (consumed chunks are dropped in batches, never one `shift()` each). */
  private head = 0;
  /** Offset of the first unread byte in `chunks[head]`. */
  private offset = 0;
  private bytes = 0;

  get length(): number {
    return this.bytes;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.bytes += chunk.length;
  }

  /** The byte at `index` from the front, or undefined past the end. */
  at(index: number): number | undefined {
    if (index >= this.bytes) return undefined;
    let position = index + this.offset;
    for (let i = this.head; i < this.chunks.length; i += 1) {
      const chunk = this.chunks[i];
      if (chunk === undefined) break;
      if (position < chunk.length) return chunk[position];
      position -= chunk.length;
    }
    return undefined;
  }

  /** The first `n` bytes, without consuming them (for headers: n is small). */
  peek(n: number): Buffer | undefined {
    if (n > this.bytes) return undefined;
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i += 1) out[i] = this.at(i) ?? 0;
    return out;
  }

  /** Removes and returns the first `n` bytes (n ≤ length). */
  take(n: number): Buffer {
    if (n > this.bytes) throw new RangeError(`take(${n}) with ${this.bytes} bytes queued`);
    const first = this.chunks[this.head];
    if (first !== undefined && first.length - this.offset >= n) {
      const out = first.subarray(this.offset, this.offset + n);
      this.advance(n);
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let written = 0;
    while (written < n) {
      const chunk = this.chunks[this.head];
      if (chunk === undefined) break;
      const count = Math.min(n - written, chunk.length - this.offset);
      chunk.copy(out, written, this.offset, this.offset + count);
      written += count;
      this.advance(count);
    }
    return out;
  }

  /** Drops up to `n` bytes from the front; returns how many were dropped. */
  skip(n: number): number {
    const count = Math.min(n, this.bytes);
    this.advance(count);
    return count;
  }

  private advance(n: number): void {
    this.bytes -= n;
    let left = n;
    while (left > 0) {
      const chunk = this.chunks[this.head];
      if (chunk === undefined) break;
      const available = chunk.length - this.offset;
      if (left < available) {
        this.offset += left;
        break;
      }
      left -= available;
      this.head += 1;
      this.offset = 0;
    }
    if (this.head === this.chunks.length) {
      this.chunks = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.chunks.length) {
      this.chunks = this.chunks.slice(this.head); // amortised: each chunk is moved O(1) times
      this.head = 0;
    }
  }
}
