import { DeadLetterEvent, validatePlain } from '@fluxo/schema';
import { offsetsAtTime, readRanges, topicOffsets, type FluxoKafka } from '@fluxo/kafka-client';

/** One record of the dead-letter topic: its id (`<partition>:<offset>`) and the event, if it is one. */
export interface DeadLetterRecord {
  readonly id: string;
  readonly partition: number;
  readonly offset: string;
  /** Kafka record time, ms since the epoch. */
  readonly timestampMs: number;
  readonly event: DeadLetterEvent | null;
  /** Why `event` is null: the record is not a valid dead-letter event (shown, never replayed). */
  readonly problem?: string;
  readonly value: string;
}

export interface DeadLetterFilter {
  readonly reasons?: readonly string[];
  readonly stages?: readonly string[];
  readonly sources?: readonly string[];
  readonly datasets?: readonly string[];
  /** Occurred at or after (ms). */
  readonly since?: number;
  /** Occurred before (ms). */
  readonly until?: number;
  /** Exact ids (`<partition>:<offset>`) or event ids. */
  readonly ids?: readonly string[];
}

export interface ScanOptions {
  /** Read from the first record at or after this time (the broker's time index); else the last `limit` per partition. */
  readonly since?: number;
  /** At most this many records per partition, the newest ones. */
  readonly limitPerPartition: number;
  readonly timeoutMs?: number;
  readonly onProgress?: (read: number, expected: number) => void;
  readonly signal?: AbortSignal;
}

export interface DeadLetterScan {
  /** Oldest first. */
  readonly records: readonly DeadLetterRecord[];
  /** Records read from the topic (before filtering). */
  readonly scanned: number;
  /** True when older records in the window were left unread because of the per-partition limit. */
  readonly truncated: boolean;
  /** False when the read stopped at its deadline before the end. */
  readonly complete: boolean;
}

/**
 * A bounded scan of the dead-letter topic: per partition, the records since a time (or the newest
 * `limitPerPartition`), at most `limitPerPartition` of them, parsed and validated. The topic is
 * never read from its beginning, so the cost follows the window, not the topic's history.
 */
export async function scanDeadLetters(kafka: FluxoKafka, topic: string, options: ScanOptions): Promise<DeadLetterScan> {
  const ends = await topicOffsets(kafka, topic);
  const starts = options.since === undefined ? null : await offsetsAtTime(kafka, topic, options.since);
  let truncated = false;
  const ranges = ends.map(({ partition, low, high }) => {
    const end = BigInt(high);
    let from = starts === null ? end - BigInt(options.limitPerPartition) : BigInt(starts.get(partition) ?? high);
    if (end - from > BigInt(options.limitPerPartition)) {
      from = end - BigInt(options.limitPerPartition);
      truncated = true;
    } else if (starts === null && from > BigInt(low)) {
      truncated = true; // older records exist beyond the newest `limit`
    }
    if (from < BigInt(low)) from = BigInt(low);
    return { partition, from: from.toString(), to: high };
  });
  const read = await readRanges(kafka, topic, ranges, {
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  const records = read.messages.map(parseDeadLetterMessage).sort((a, b) => a.timestampMs - b.timestampMs || a.partition - b.partition);
  return { records, scanned: read.messages.length, truncated, complete: read.complete };
}

/** A record of the dead-letter topic, parsed and validated (an invalid one keeps its text and the problem). */
export function parseDeadLetterMessage(message: { readonly partition: number; readonly offset: string; readonly timestampMs: number; readonly value: Buffer }): DeadLetterRecord {
  const base = { id: `${message.partition}:${message.offset}`, partition: message.partition, offset: message.offset, timestampMs: message.timestampMs, value: message.value.toString('utf8') };
  let plain: unknown;
  try {
    plain = JSON.parse(base.value);
  } catch (error) {
    return { ...base, event: null, problem: `not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  const result = validatePlain(DeadLetterEvent, plain);
  if (result.value === undefined) return { ...base, event: null, problem: `not a dead-letter event: ${result.problems.join('; ')}` };
  return { ...base, event: result.value };
}

/** The records matching every given criterion (a list matches any of its values). */
export function filterDeadLetters(records: readonly DeadLetterRecord[], filter: DeadLetterFilter): DeadLetterRecord[] {
  const within = (list: readonly string[] | undefined, value: string | undefined) => list === undefined || list.length === 0 || (value !== undefined && list.includes(value));
  return records.filter((record) => {
    const event = record.event;
    if (filter.ids !== undefined && filter.ids.length > 0 && !filter.ids.includes(record.id) && !(event !== null && filter.ids.includes(event.eventId))) return false;
    const at = occurredAt(record);
    if (filter.since !== undefined && at < filter.since) return false;
    if (filter.until !== undefined && at >= filter.until) return false;
    return (
      within(filter.reasons, event?.reason ?? 'INVALID_DEAD_LETTER') &&
      within(filter.stages, event?.stage) &&
      within(filter.sources, event?.source) &&
      within(filter.datasets, event?.dataset)
    );
  });
}

/** When it happened: the event's `occurredAt`, else the record's time. */
export function occurredAt(record: DeadLetterRecord): number {
  const at = record.event === null ? NaN : Date.parse(record.event.occurredAt);
  return Number.isNaN(at) ? record.timestampMs : at;
}

/** Rows a dead letter stands for: quarantined rows for `ROWS_REJECTED` (summed per missing-column set), else 0. */
export function rejectedRows(event: DeadLetterEvent): number {
  const missing = event.details?.['missingColumns'];
  if (missing === null || typeof missing !== 'object') return 0;
  return Object.values(missing as Record<string, unknown>).reduce<number>((sum, count) => sum + (typeof count === 'number' ? count : 0), 0);
}
