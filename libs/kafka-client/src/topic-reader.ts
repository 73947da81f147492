import { randomBytes } from 'node:crypto';
import { describeError, type Logger } from '@fluxo/schema';
import { kafkajsOf, settingsOf, withAdmin, type FluxoKafka } from './create-kafka';
import { KafkaClientError, toKafkaClientError } from './errors';
import type { ConsumedMessage } from './reference-consumer';

/** The offsets of one partition: the oldest kept record and the log end (the next offset). */
export interface PartitionOffsets {
  readonly partition: number;
  readonly low: string;
  readonly high: string;
}

/** Records `[from, to)` of one partition (decimal offsets). */
export interface OffsetRange {
  readonly partition: number;
  readonly from: string;
  readonly to: string;
}

export interface ReadRangesOptions {
  /** Give up waiting after this long and return what was read (`complete: false`). Default 30000. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Called as records arrive, with the count read so far and the count expected. */
  readonly onProgress?: (read: number, expected: number) => void;
  readonly logger?: Logger;
}

export interface RangeRead {
  /** In offset order per partition, partitions in ascending order. */
  readonly messages: readonly ConsumedMessage[];
  /** False when the deadline passed (or the signal fired) before every range was read to its end. */
  readonly complete: boolean;
}

/** Which of `topics` exist on the cluster. Throws `ADMIN_FAILED` (`CONNECTION_FAILED` when unreachable). */
export async function existingTopics(kafka: FluxoKafka, topics: readonly string[]): Promise<Set<string>> {
  try {
    const present = new Set(await withAdmin(kafka, (admin) => admin.listTopics()));
    return new Set(topics.filter((topic) => present.has(topic)));
  } catch (error) {
    throw toKafkaClientError('ADMIN_FAILED', 'Could not list the topics', error);
  }
}

/** Oldest and end offsets of every partition of a topic. Throws `ADMIN_FAILED` (e.g. unknown topic). */
export async function topicOffsets(kafka: FluxoKafka, topic: string): Promise<PartitionOffsets[]> {
  try {
    const offsets = await withAdmin(kafka, (admin) => admin.fetchTopicOffsets(topic));
    return offsets.map(({ partition, low, high }) => ({ partition, low, high })).sort((a, b) => a.partition - b.partition);
  } catch (error) {
    throw toKafkaClientError('ADMIN_FAILED', `Could not read the offsets of ${topic}`, error, { topic });
  }
}

/**
 * Per partition, the offset of the first record at or after `timestampMs` (the end offset when
 * there is none), from the broker's time index. Throws `ADMIN_FAILED`.
 */
export async function offsetsAtTime(kafka: FluxoKafka, topic: string, timestampMs: number): Promise<Map<number, string>> {
  try {
    const [byTime, ends] = await withAdmin(kafka, (admin) => Promise.all([admin.fetchTopicOffsetsByTimestamp(topic, timestampMs), admin.fetchTopicOffsets(topic)]));
    const high = new Map(ends.map((entry) => [entry.partition, entry.high]));
    return new Map(byTime.map(({ partition, offset }) => [partition, BigInt(offset) < 0n ? (high.get(partition) ?? offset) : offset]));
  } catch (error) {
    throw toKafkaClientError('ADMIN_FAILED', `Could not find the offsets of ${topic} at ${new Date(timestampMs).toISOString()}`, error, { topic });
  }
}

/**
 * Reads bounded offset ranges of a topic (clamped to the records the log still holds) without
 * joining any real group: a throwaway consumer group seeks to each range's start, reads until
 * every range reached its end without committing anything, and is deleted afterwards. Records committed by transactions only
 * (`read_committed`); transaction markers take offsets but are never delivered, so batch ends, not
 * records, tell where a partition is. For operators' tools (the CLI's dead-letter scans and lag
 * details), not for the pipeline: the cost follows the ranges, not the topic.
 * Throws `CONSUMER_FAILED` (retriable when the broker is unavailable).
 */
export async function readRanges(kafka: FluxoKafka, topic: string, ranges: readonly OffsetRange[], options: ReadRangesOptions = {}): Promise<RangeRead> {
  if (ranges.length === 0) return { messages: [], complete: true };
  // Clamped to what the log holds: a start below the oldest kept record would make the group reset to the end.
  const bounds = new Map((await topicOffsets(kafka, topic)).map((entry) => [entry.partition, entry]));
  const wanted = new Map<number, { from: bigint; to: bigint }>();
  for (const range of ranges) {
    const bound = bounds.get(range.partition);
    if (bound === undefined) continue;
    const from = max(BigInt(range.from), BigInt(bound.low));
    const to = min(BigInt(range.to), BigInt(bound.high));
    if (to > from) wanted.set(range.partition, { from, to });
  }
  if (wanted.size === 0) return { messages: [], complete: true };
  const expected = [...wanted.values()].reduce((sum, range) => sum + Number(range.to - range.from), 0);
  const groupId = `fluxo-read-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  const logger = (options.logger ?? kafka.logger).child({ component: 'topic-reader', topic, groupId });
  const messages: ConsumedMessage[] = [];
  const pending = new Map([...wanted.entries()].map(([partition, range]) => [partition, range.to]));
  const { retry } = settingsOf(kafka);
  const consumer = kafkajsOf(kafka).consumer({
    groupId,
    maxWaitTimeInMs: 100,
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
    allowAutoTopicCreation: false,
    retry: { initialRetryTime: retry.initialRetryTimeMs, maxRetryTime: retry.maxRetryTimeMs, retries: retry.retries, factor: 0.2, multiplier: 2 },
  });
  let complete = false;
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: false });
    complete = await new Promise<boolean>((resolve, reject) => {
      const finish = (value: boolean) => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        resolve(value);
      };
      const onAbort = () => finish(false);
      const timer = setTimeout(() => finish(false), options.timeoutMs ?? 30_000);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      if (options.signal?.aborted === true) finish(false);
      const reached = (partition: number, nextOffset: bigint) => {
        const end = pending.get(partition);
        if (end !== undefined && nextOffset >= end) pending.delete(partition);
        if (pending.size === 0) finish(true);
      };
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => reached(payload.partition, BigInt(payload.lastOffset) + 1n));
      consumer
        .run({
          autoCommit: false,
          eachMessage: ({ partition, message }) => {
            const range = wanted.get(partition);
            const offset = BigInt(message.offset);
            if (range !== undefined && offset >= range.from && offset < range.to) {
              messages.push({
                topic,
                partition,
                offset: message.offset,
                key: message.key === null ? null : message.key.toString('utf8'),
                value: message.value ?? Buffer.alloc(0),
                headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(Array.isArray(value) ? value.at(-1) : value)])),
                timestampMs: Number(message.timestamp),
              });
              options.onProgress?.(messages.length, expected);
            }
            reached(partition, offset + 1n);
            return Promise.resolve();
          },
        })
        .catch((error: unknown) => {
          clearTimeout(timer);
          reject(toKafkaClientError('CONSUMER_FAILED', `Could not read ${topic}`, error, { topic, groupId }));
        });
      // Positioned before the first fetch (kafkajs applies seeks made right after run(); nothing is committed).
      for (const [partition, range] of wanted) consumer.seek({ topic, partition, offset: range.from.toString() });
    });
    if (!complete) logger.warn({ read: messages.length, expected }, 'stopped reading before the end of the ranges');
  } catch (error) {
    throw error instanceof KafkaClientError ? error : toKafkaClientError('CONSUMER_FAILED', `Could not read ${topic}`, error, { topic, groupId });
  } finally {
    await consumer.disconnect().catch((error: unknown) => logger.debug({ error: describeError(error) }, 'reader disconnect failed'));
    await withAdmin(kafka, (admin) => admin.deleteGroups([groupId])).catch((error: unknown) => logger.debug({ error: describeError(error) }, 'could not delete the reader group'));
  }
  messages.sort((a, b) => a.partition - b.partition || (BigInt(a.offset) < BigInt(b.offset) ? -1 : 1));
  return { messages, complete };
}

function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
