import { describeError, type Logger } from '@fluxo/schema';
import type { PipelineSnapshot } from '../definitions';
import type { KafkaFeed } from './kafka-feed';
import type { LagSampler } from './lag-sampler';
import type { LakeHealthReader } from './lake-health';

/**
 * Builds the pipeline health snapshot every `intervalMs` (and on demand, e.g. right after a new file)
 * from the lake, the lag sampler and the Kafka feed, and hands it to listeners. A slow or unreachable
 * broker never delays the lake's numbers: the lag part uses the last finished sample.
 */
export class PipelineMonitor {
  private last: PipelineSnapshot | undefined;
  private computing: Promise<PipelineSnapshot> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<(snapshot: PipelineSnapshot) => void>();

  constructor(
    private readonly health: LakeHealthReader,
    private readonly lag: LagSampler,
    private readonly feed: KafkaFeed,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => void this.refresh(), this.intervalMs);
    this.timer.unref();
    void this.refresh();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  onSnapshot(listener: (snapshot: PipelineSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The latest snapshot, computed now when there is none or it is older than one interval. */
  async snapshot(): Promise<PipelineSnapshot> {
    if (this.last !== undefined && Date.now() - Date.parse(this.last.generatedAt) <= this.intervalMs) return this.last;
    return this.refresh();
  }

  refresh(): Promise<PipelineSnapshot> {
    this.computing ??= this.compute()
      .then((snapshot) => {
        this.last = snapshot;
        for (const listener of this.listeners) listener(snapshot);
        return snapshot;
      })
      .finally(() => (this.computing = undefined));
    return this.computing;
  }

  private async compute(): Promise<PipelineSnapshot> {
    const sampled = this.lag.sample().catch((error: unknown) => this.logger.warn({ error: describeError(error) }, 'lag sample failed'));
    await Promise.race([sampled, new Promise((resolve) => setTimeout(resolve, Math.min(1_500, this.intervalMs)).unref())]);
    const health = await this.health.read();
    const kafka = this.lag.kafkaStatus;
    const feedReady = this.feed.connected;
    const feedDown = kafka.state === 'unreachable' && !feedReady;
    const feedWarnings = feedReady ? [] : ['The dashboard is still connecting to the pipeline topics.'];
    return {
      generatedAt: new Date().toISOString(),
      kafka,
      throughput: health.throughput,
      lag: this.lag.report,
      freshness: health.freshness,
      latency: health.latency,
      deadLetters:
        kafka.state === 'unreachable' && !feedReady
          ? { ok: false, problem: { kind: 'kafka-unreachable', message: kafka.message ?? 'Kafka is unreachable.' }, warnings: [] }
          : { ok: true, data: this.feed.deadLetters(), warnings: feedReady ? [] : ['The dashboard is still connecting to the dead-letter topic.'] },
      quarantine: health.quarantine,
      storage: health.storage,
      recentFiles: this.feed.recentFiles(),
      drift: feedDown
        ? { ok: false, problem: { kind: 'kafka-unreachable', message: kafka.message ?? 'Kafka is unreachable.' }, warnings: [] }
        : { ok: true, data: this.feed.driftReport(), warnings: feedWarnings },
    };
  }
}
