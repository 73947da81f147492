import { describeError } from '@fluxo/schema';
import { describeLag, type FluxoKafka } from '@fluxo/kafka-client';
import type { GroupLagView, KafkaStatus, LagReport, LagSample, Loaded } from '../definitions';
import type { KafkaFeed } from './kafka-feed';

const TREND_SAMPLES = 300;

export interface LaggedGroup {
  readonly groupId: string;
  readonly topic: string;
  readonly role: string;
  /** Whether `feed` reads this topic, so the age of its oldest unprocessed record is known. */
  readonly timedByFeed: boolean;
}

/**
 * Samples consumer lag through the admin API (one sample at a time), in messages per partition and in
 * time: the age of the oldest unprocessed reference is `now − timestamp` of the record at the group's
 * committed offset, which the dashboard's own feed has read. Keeps a trend of totals. Its outcome also
 * says whether Kafka is reachable.
 */
export class LagSampler {
  private trend: LagSample[] = [];
  private last: Loaded<LagReport> = { ok: false, problem: { kind: 'kafka-unreachable', message: 'Connecting to Kafka…' }, warnings: [] };
  private status: KafkaStatus;
  private running: Promise<void> | undefined;

  constructor(
    private readonly kafka: FluxoKafka,
    private readonly groups: readonly LaggedGroup[],
    private readonly feed: KafkaFeed,
  ) {
    this.status = { state: 'connecting', brokers: kafka.brokers, message: null, since: new Date().toISOString() };
  }

  get report(): Loaded<LagReport> {
    return this.last;
  }

  get kafkaStatus(): KafkaStatus {
    return this.status;
  }

  /** Takes a sample unless one is running (then waits for that one). */
  sample(): Promise<void> {
    this.running ??= this.take().finally(() => (this.running = undefined));
    return this.running;
  }

  private async take(): Promise<void> {
    const now = Date.now();
    try {
      await this.kafka.describeCluster();
    } catch (error) {
      const message = `Kafka at ${this.kafka.brokers.join(',')} is unreachable: ${describeError(error)}`;
      this.last = { ok: false, problem: { kind: 'kafka-unreachable', message }, warnings: [] };
      this.setState('unreachable', message);
      return;
    }
    this.setState('connected', null);
    try {
      const groups = await Promise.all(this.groups.map((group) => this.describe(group, now)));
      const sample: LagSample = { at: new Date(now).toISOString(), lag: Object.fromEntries(groups.map((group) => [`${group.groupId}@${group.topic}`, group.totalLag])) };
      this.trend = [...this.trend, sample].slice(-TREND_SAMPLES);
      this.last = { ok: true, data: { sampledAt: sample.at, groups, trend: this.trend }, warnings: [] };
    } catch (error) {
      this.last = missingTopic(error)
        ? { ok: false, problem: { kind: 'no-data', message: `No lag yet: topic ${this.groups.map((g) => g.topic).join(' / ')} does not exist (the pipeline creates its topics when it starts).` }, warnings: [] }
        : { ok: false, problem: { kind: 'query-failed', message: describeError(error) }, warnings: [] };
    }
  }

  private async describe(group: LaggedGroup, now: number): Promise<GroupLagView> {
    const lag = await describeLag(this.kafka, { groupId: group.groupId, topic: group.topic });
    const partitions = lag.partitions.map((partition) => {
      let age: number | null = 0;
      if (partition.lag > 0) {
        const from = partition.committedOffset === null ? this.feed.firstRawOffset(partition.partition) : BigInt(partition.committedOffset);
        const timestamp = group.timedByFeed && from !== undefined ? this.feed.rawTimestamp(partition.partition, from) : undefined;
        age = timestamp === undefined ? null : Math.max(0, now - timestamp);
      }
      if (group.timedByFeed && partition.committedOffset !== null) this.feed.forgetBefore(partition.partition, BigInt(partition.committedOffset));
      return { ...partition, oldestUnprocessedAgeMs: age };
    });
    const ages = partitions.map((partition) => partition.oldestUnprocessedAgeMs).filter((age): age is number => age !== null);
    return {
      groupId: group.groupId,
      topic: group.topic,
      role: group.role,
      totalLag: lag.totalLag,
      maxAgeMs: ages.length === 0 ? null : Math.max(...ages),
      partitions,
    };
  }

  private setState(state: KafkaStatus['state'], message: string | null): void {
    if (this.status.state !== state || this.status.message !== message) {
      this.status = { state, brokers: this.kafka.brokers, message, since: this.status.state === state ? this.status.since : new Date().toISOString() };
    }
  }
}

/** Whether a failure (or one of its causes) is Kafka's UNKNOWN_TOPIC_OR_PARTITION. */
function missingTopic(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Object && depth < 5; current = (current as { cause?: unknown }).cause, depth += 1) {
    if ((current as { type?: unknown }).type === 'UNKNOWN_TOPIC_OR_PARTITION') return true;
  }
  return false;
}
