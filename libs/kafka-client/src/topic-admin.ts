import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin } from 'kafkajs';
import { settingsOf, withAdmin, type FluxoKafka } from './create-kafka';
import { KafkaClientError, toKafkaClientError } from './errors';

export interface TopicSpec {
  readonly topic: string;
  readonly numPartitions: number;
  /** Default: the broker's `default.replication.factor`. */
  readonly replicationFactor?: number;
  /** Topic-level configs, e.g. `{ 'retention.ms': '604800000' }`. */
  readonly configs?: Readonly<Record<string, string>>;
}

export interface EnsureTopicsResult {
  readonly created: readonly string[];
  readonly existing: readonly string[];
}

/** Kafka's own rule for topic names. */
const TOPIC_NAME_PATTERN = /^[A-Za-z0-9._-]{1,249}$/;

/**
 * Creates the topics that do not exist yet and waits for their leaders. Idempotent: existing topics are left
 * as they are; one with fewer partitions than asked is reported with a warning, not an error (adding
 * partitions re-maps keys, so it is an operator's decision). Throws `TOPIC_SETUP_FAILED`.
 */
export async function ensureTopics(kafka: FluxoKafka, specs: readonly TopicSpec[]): Promise<EnsureTopicsResult> {
  const problems = specs.flatMap(specProblems);
  if (problems.length > 0) throw new KafkaClientError('TOPIC_SETUP_FAILED', `Invalid topic specs:\n  - ${problems.join('\n  - ')}`);
  if (specs.length === 0) return { created: [], existing: [] };
  const topics = specs.map((spec) => spec.topic);
  try {
    return await withAdmin(kafka, async (admin) => {
      const present = new Set(await admin.listTopics());
      const missing = specs.filter((spec) => !present.has(spec.topic));
      if (missing.length > 0) {
        // kafkajs's own waitForLeaders gives up on UNKNOWN_TOPIC_OR_PARTITION, which a KRaft broker answers
        // until its metadata catches up with the controller (kafkajs#1563); we wait ourselves instead.
        await admin.createTopics({
          waitForLeaders: false,
          topics: missing.map((spec) => ({
            topic: spec.topic,
            numPartitions: spec.numPartitions,
            replicationFactor: spec.replicationFactor ?? -1,
            configEntries: Object.entries(spec.configs ?? {}).map(([name, value]) => ({ name, value })),
          })),
        });
        await waitForLeaders(admin, missing, settingsOf(kafka).requestTimeoutMs);
      }
      const created = missing.map((spec) => spec.topic);
      const existing = topics.filter((topic) => present.has(topic));
      await warnAboutPartitionCounts(kafka, admin, specs.filter((spec) => present.has(spec.topic)));
      if (created.length > 0) kafka.logger.info({ topics: created }, 'created Kafka topics');
      return { created, existing };
    });
  } catch (error) {
    throw toKafkaClientError('TOPIC_SETUP_FAILED', `Could not ensure topics ${topics.join(', ')}`, error, { topic: topics.length === 1 ? topics[0] : undefined });
  }
}

/** Polls metadata until every partition of the new topics has a leader. */
async function waitForLeaders(admin: Admin, specs: readonly TopicSpec[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: specs.map((spec) => spec.topic) });
      const ready = specs.every((spec) => {
        const partitions = topics.find((topic) => topic.name === spec.topic)?.partitions ?? [];
        return partitions.length >= spec.numPartitions && partitions.every((partition) => partition.leader >= 0);
      });
      if (ready) return;
    } catch (error) {
      const type = (error as { type?: unknown }).type;
      if (type !== 'UNKNOWN_TOPIC_OR_PARTITION' && type !== 'LEADER_NOT_AVAILABLE') throw error;
    }
    if (Date.now() > deadline) throw new KafkaClientError('TOPIC_SETUP_FAILED', `Topics ${specs.map((s) => s.topic).join(', ')} have no leader after ${timeoutMs} ms`, { retriable: true });
    await sleep(100);
  }
}

async function warnAboutPartitionCounts(kafka: FluxoKafka, admin: Admin, specs: readonly TopicSpec[]): Promise<void> {
  if (specs.length === 0) return;
  const metadata = await admin.fetchTopicMetadata({ topics: specs.map((spec) => spec.topic) });
  for (const spec of specs) {
    const actual = metadata.topics.find((topic) => topic.name === spec.topic)?.partitions.length ?? 0;
    if (actual < spec.numPartitions) {
      kafka.logger.warn(
        { topic: spec.topic, partitions: actual, requestedPartitions: spec.numPartitions },
        'topic exists with fewer partitions than configured; left unchanged',
      );
    }
  }
}

function specProblems(spec: TopicSpec, index: number): string[] {
  const problems: string[] = [];
  if (typeof spec.topic !== 'string' || !TOPIC_NAME_PATTERN.test(spec.topic) || spec.topic === '.' || spec.topic === '..') {
    problems.push(`[${index}].topic: ${JSON.stringify(spec.topic)} is not a valid topic name`);
  }
  if (!Number.isSafeInteger(spec.numPartitions) || spec.numPartitions < 1) problems.push(`[${index}].numPartitions: must be an integer >= 1`);
  if (spec.replicationFactor !== undefined && (!Number.isSafeInteger(spec.replicationFactor) || spec.replicationFactor < 1)) {
    problems.push(`[${index}].replicationFactor: must be an integer >= 1`);
  }
  return problems;
}

/** Deletes the topics that exist; missing ones are ignored (idempotent). Throws `TOPIC_SETUP_FAILED`. */
export async function deleteTopics(kafka: FluxoKafka, topics: readonly string[]): Promise<void> {
  if (topics.length === 0) return;
  try {
    await withAdmin(kafka, async (admin) => {
      const present = new Set(await admin.listTopics());
      const existing = topics.filter((topic) => present.has(topic));
      if (existing.length > 0) await admin.deleteTopics({ topics: existing });
    });
  } catch (error) {
    throw toKafkaClientError('TOPIC_SETUP_FAILED', `Could not delete topics ${topics.join(', ')}`, error);
  }
}

export interface PartitionLag {
  readonly partition: number;
  /** The group's committed offset (the next offset it will read), or null when it has committed nothing. */
  readonly committedOffset: string | null;
  /** The log end offset (high watermark): the offset the next record will get. */
  readonly endOffset: string;
  /** Records not yet processed: `endOffset - committedOffset`, or `endOffset - logStartOffset` when nothing is committed. */
  readonly lag: number;
}

export interface TopicLag {
  readonly groupId: string;
  readonly topic: string;
  readonly partitions: readonly PartitionLag[];
  readonly totalLag: number;
}

/** How far a consumer group is behind on one topic, per partition. Throws `ADMIN_FAILED`. */
export async function describeLag(kafka: FluxoKafka, { groupId, topic }: { readonly groupId: string; readonly topic: string }): Promise<TopicLag> {
  try {
    const [ends, committed] = await withAdmin(kafka, (admin) => Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]));
    const committedByPartition = new Map((committed.find((entry) => entry.topic === topic)?.partitions ?? []).map((entry) => [entry.partition, entry.offset]));
    const partitions = ends
      .map(({ partition, high, low }): PartitionLag => {
        const raw = committedByPartition.get(partition);
        const committedOffset = raw === undefined || BigInt(raw) < 0n ? null : raw;
        const from = committedOffset ?? low;
        const lag = BigInt(high) - BigInt(from);
        return { partition, committedOffset, endOffset: high, lag: Number(lag > 0n ? lag : 0n) };
      })
      .sort((a, b) => a.partition - b.partition);
    return { groupId, topic, partitions, totalLag: partitions.reduce((sum, entry) => sum + entry.lag, 0) };
  } catch (error) {
    throw toKafkaClientError('ADMIN_FAILED', `Could not describe the lag of group ${groupId} on ${topic}`, error, { topic, groupId });
  }
}

/** Records of `topic` that not every one of `groups` has processed yet: the largest lag among them. Throws `ADMIN_FAILED`. */
export async function unprocessedByAll(kafka: FluxoKafka, topic: string, groups: readonly string[]): Promise<number> {
  const lags = await Promise.all(groups.map((groupId) => describeLag(kafka, { groupId, topic })));
  return Math.max(0, ...lags.map((lag) => lag.totalLag));
}
