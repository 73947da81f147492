/** Why a batch was cut. */
export type FlushTrigger = 'rows' | 'bytes' | 'age' | 'idle' | 'shutdown';

export interface BatchLimits {
  readonly maxRows: number;
  readonly maxBytes: number;
  /** Cut this long after the batch's first item, however busy the stream. */
  readonly maxAgeMs: number;
  /** Cut when nothing was added for this long. */
  readonly idleFlushMs: number;
}

/**
 * The triggers of a micro-batch, Spark-Structured-Streaming style: size (rows, bytes) is checked as
 * items are added; time (age, inactivity) by `due(now)` against `nextDeadline()`. It only counts;
 * what the batch holds is the caller's.
 */
export class MicroBatcher {
  private rows = 0;
  private bytes = 0;
  private items = 0;
  private openedAt = 0;
  private lastAddedAt = 0;

  constructor(readonly limits: BatchLimits) {}

  get isEmpty(): boolean {
    return this.items === 0;
  }

  get size(): { readonly rows: number; readonly bytes: number; readonly items: number } {
    return { rows: this.rows, bytes: this.bytes, items: this.items };
  }

  /** Counts one item (`rows` 0 for a dead letter or a gap); returns the size trigger it hit, if any. */
  add(now: number, rows: number, bytes: number): FlushTrigger | undefined {
    if (this.items === 0) this.openedAt = now;
    this.items += 1;
    this.rows += rows;
    this.bytes += bytes;
    this.lastAddedAt = now;
    if (this.rows >= this.limits.maxRows) return 'rows';
    if (this.bytes >= this.limits.maxBytes) return 'bytes';
    return undefined;
  }

  /** The time trigger that has fired by `now`, if any. */
  due(now: number): FlushTrigger | undefined {
    if (this.items === 0) return undefined;
    if (now - this.openedAt >= this.limits.maxAgeMs) return 'age';
    if (now - this.lastAddedAt >= this.limits.idleFlushMs) return 'idle';
    return undefined;
  }

  /** When the next time trigger fires; undefined while empty. */
  nextDeadline(): number | undefined {
    if (this.items === 0) return undefined;
    return Math.min(this.openedAt + this.limits.maxAgeMs, this.lastAddedAt + this.limits.idleFlushMs);
  }

  reset(): void {
    this.rows = 0;
    this.bytes = 0;
    this.items = 0;
  }
}
