/** Where a consumer-group member stands in one partition it owns, as seen from its own fetches and commits. */
export interface PartitionPosition {
  readonly topic: string;
  readonly partition: number;
  /** The offset the partition's next record will get (high watermark), as of the last fetch; null before any. */
  readonly highWatermark: string | null;
  /** The next offset this member will process: its last commit, or the first record fetched since it joined. */
  readonly nextOffset: string | null;
  /** `highWatermark − nextOffset` (≥ 0): records not processed yet; null while either is unknown. */
  readonly lagMessages: number | null;
  /** Kafka timestamp (ms) of the oldest record fetched and not processed yet; null when none waits. */
  readonly oldestUnprocessedTimestampMs: number | null;
}

interface Entry {
  highWatermark: bigint | null;
  nextOffset: bigint | null;
  /** Fetched, unprocessed records: offset → Kafka timestamp. */
  readonly waiting: Map<bigint, number>;
}

/**
 * Per-partition positions of one member: updated by fetches (high watermark, records waiting),
 * commits (next offset) and assignments (partitions that moved away are forgotten). Costs a map
 * update per record fetched; read when someone asks (a metrics scrape).
 */
export class PartitionPositions {
  private readonly entries = new Map<string, Entry & { readonly topic: string; readonly partition: number }>();

  /** After a (re)join: only these partitions are ours now. */
  assigned(partitions: readonly { readonly topic: string; readonly partition: number }[]): void {
    const keep = new Set(partitions.map((p) => key(p.topic, p.partition)));
    for (const k of this.entries.keys()) if (!keep.has(k)) this.entries.delete(k);
    for (const p of partitions) this.entry(p.topic, p.partition);
  }

  /** A fetch handed over records (`highWatermark` null when the fetch did not say). */
  fetched(topic: string, partition: number, highWatermark: string | null, records: readonly { readonly offset: string; readonly timestampMs: number }[]): void {
    const entry = this.entry(topic, partition);
    if (highWatermark !== null) entry.highWatermark = maxOf(entry.highWatermark, BigInt(highWatermark));
    for (const record of records) {
      const offset = BigInt(record.offset);
      if (entry.nextOffset !== null && offset < entry.nextOffset) continue;
      entry.waiting.set(offset, record.timestampMs);
      if (entry.highWatermark === null || entry.highWatermark <= offset) entry.highWatermark = offset + 1n;
    }
    if (entry.nextOffset === null && entry.waiting.size > 0) entry.nextOffset = minOf(entry.waiting.keys());
  }

  /** Everything before `nextOffset` is processed and committed. */
  committed(topic: string, partition: number, nextOffset: string): void {
    const entry = this.entry(topic, partition);
    const next = BigInt(nextOffset);
    entry.nextOffset = maxOf(entry.nextOffset, next);
    if (entry.highWatermark !== null && entry.highWatermark < next) entry.highWatermark = next;
    for (const offset of entry.waiting.keys()) if (offset < next) entry.waiting.delete(offset);
  }

  /** Seeds what fetches did not tell yet (an idle partition after a join): the admin API's end and committed offsets. */
  seed(topic: string, partition: number, highWatermark: string, committedOffset: string | null): void {
    const entry = this.entries.get(key(topic, partition));
    if (entry === undefined) return; // not ours (any more)
    entry.highWatermark ??= BigInt(highWatermark);
    if (committedOffset !== null) entry.nextOffset ??= BigInt(committedOffset);
  }

  snapshot(): PartitionPosition[] {
    return [...this.entries.values()]
      .map((entry) => {
        const { highWatermark, nextOffset } = entry;
        let oldest: number | null = null;
        let oldestOffset: bigint | null = null;
        for (const [offset, timestampMs] of entry.waiting) {
          if (oldestOffset === null || offset < oldestOffset) {
            oldestOffset = offset;
            oldest = timestampMs;
          }
        }
        const lag = highWatermark === null || nextOffset === null ? null : highWatermark > nextOffset ? Number(highWatermark - nextOffset) : 0;
        return {
          topic: entry.topic,
          partition: entry.partition,
          highWatermark: highWatermark?.toString() ?? null,
          nextOffset: nextOffset?.toString() ?? null,
          lagMessages: lag,
          oldestUnprocessedTimestampMs: oldest,
        };
      })
      .sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
  }

  private entry(topic: string, partition: number): Entry & { readonly topic: string; readonly partition: number } {
    const k = key(topic, partition);
    let entry = this.entries.get(k);
    if (entry === undefined) {
      entry = { topic, partition, highWatermark: null, nextOffset: null, waiting: new Map() };
      this.entries.set(k, entry);
    }
    return entry;
  }
}

function key(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

function maxOf(a: bigint | null, b: bigint): bigint {
  return a === null || b > a ? b : a;
}

function minOf(values: Iterable<bigint>): bigint | null {
  let min: bigint | null = null;
  for (const value of values) if (min === null || value < min) min = value;
  return min;
}
