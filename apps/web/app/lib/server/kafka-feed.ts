import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { describeError, parseFileReference, type Logger } from '@fluxo/schema';
import { ReferenceConsumer, type ConsumedMessage, type FluxoKafka } from '@fluxo/kafka-client';
import type { CuratedFileEvent, DeadLetterSummary, DriftReport } from '../definitions';
import { DriftTracker } from './drift-tracker';

export interface KafkaFeedTopics {
  readonly rawFiles: string;
  readonly curatedFiles: string;
  readonly deadLetter: string;
}

const RECENT_FILES = 20;
const LATEST_DEAD_LETTERS = 8;
const RECONNECT_DELAY_MS = 3_000;
/**
 * Raw-file offsets whose timestamps are kept per partition. The oldest are kept (the age of the
 * oldest unprocessed reference is the lag in time): while the normalizer is down the map stays
 * bounded, and the age of a backlog deeper than this is unknown until it drains below it.
 */
const MAX_TRACKED_RAW_OFFSETS = 10_000;

/**
 * The dashboard's own reader of the pipeline's topics: one consumer group per server instance
 * (`fluxo-web-<host>-<pid>-<random>`), read from the beginning so that dead-letter counts and the
 * timestamps of unprocessed raw-file references are known; curated-file references produced after this
 * server started are pushed to listeners as "new file" events. It never writes to Kafka except its own
 * group's offsets. A broker that is down (at start or later) is retried in the background.
 */
export class KafkaFeed {
  readonly groupId = `fluxo-web-${hostname().replace(/[^A-Za-z0-9._-]/g, '_')}-${process.pid}-${randomBytes(3).toString('hex')}`;
  private readonly startedAt = Date.now();
  private consumer: ReferenceConsumer | undefined;
  private stopped = false;
  private readonly listeners = new Set<(file: CuratedFileEvent) => void>();
  /** Record timestamps of raw-file references by partition and offset, for lag in time. */
  private readonly rawTimestamps = new Map<number, Map<bigint, number>>();
  private readonly recent: CuratedFileEvent[] = [];
  private deadLetterTotal = 0;
  private readonly deadLetterCounts = new Map<string, number>();
  private readonly deadLetterLatest: DeadLetterSummary['latest'][number][] = [];
  private readonly drift = new DriftTracker();
  private lastError: string | null = null;

  constructor(
    private readonly kafka: FluxoKafka,
    private readonly topics: KafkaFeedTopics,
    private readonly logger: Logger,
  ) {}

  start(): void {
    void this.loop();
  }

  onFile(listener: (file: CuratedFileEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get connected(): boolean {
    return this.consumer !== undefined;
  }

  get error(): string | null {
    return this.lastError;
  }

  recentFiles(): readonly CuratedFileEvent[] {
    return [...this.recent];
  }

  deadLetters(): DeadLetterSummary {
    const byReason = [...this.deadLetterCounts.entries()]
      .map(([key, count]) => {
        const [stage = '', reason = ''] = key.split('\u0000');
        return { stage, reason, count };
      })
      .sort((a, b) => b.count - a.count);
    return { total: this.deadLetterTotal, byReason, latest: [...this.deadLetterLatest] };
  }

  /** Schema drift per dataset over its recent commits, and the latest drift dead letters. */
  driftReport(): DriftReport {
    return this.drift.report();
  }

  /** Timestamp (ms) of the raw-files record at `offset`, when this feed has seen it. */
  rawTimestamp(partition: number, offset: bigint): number | undefined {
    return this.rawTimestamps.get(partition)?.get(offset);
  }

  /** Smallest raw-files offset seen on a partition (the log start, as far as this feed knows). */
  firstRawOffset(partition: number): bigint | undefined {
    const offsets = this.rawTimestamps.get(partition);
    if (offsets === undefined || offsets.size === 0) return undefined;
    let first: bigint | undefined;
    for (const offset of offsets.keys()) if (first === undefined || offset < first) first = offset;
    return first;
  }

  /** Drops timestamps below the committed offsets: those records are processed. */
  forgetBefore(partition: number, committed: bigint): void {
    const offsets = this.rawTimestamps.get(partition);
    if (offsets === undefined) return;
    for (const offset of offsets.keys()) if (offset < committed) offsets.delete(offset);
  }

  async close(): Promise<void> {
    this.stopped = true;
    await this.consumer?.close().catch(() => undefined);
    this.consumer = undefined;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      try {
        const consumer = await ReferenceConsumer.connect(this.kafka, {
          groupId: this.groupId,
          topics: [this.topics.rawFiles, this.topics.curatedFiles, this.topics.deadLetter],
          fromBeginning: true,
          logger: this.logger,
          sessionTimeoutMs: 10_000,
          heartbeatIntervalMs: 1_000,
          maxWaitTimeMs: 200,
          partitionsConsumedConcurrently: 3,
        });
        this.consumer = consumer;
        this.lastError = null;
        this.logger.info({ groupId: this.groupId, topics: this.topics }, 'dashboard feed consuming');
        await consumer.run((message) => Promise.resolve(this.accept(message)));
      } catch (error) {
        const message = describeError(error);
        if (message !== this.lastError) this.logger.warn({ error: message }, 'dashboard feed cannot consume; retrying every few seconds');
        this.lastError = message;
      }
      this.consumer = undefined;
      if (!this.stopped) await new Promise((resolve) => setTimeout(resolve, RECONNECT_DELAY_MS).unref());
    }
  }

  /** Never throws: whatever a record holds, the feed moves on (the pipeline dead-letters bad references itself). */
  private accept(message: ConsumedMessage): void {
    try {
      if (message.topic === this.topics.rawFiles) this.acceptRaw(message);
      else if (message.topic === this.topics.curatedFiles) this.acceptCurated(message);
      else if (message.topic === this.topics.deadLetter) this.acceptDeadLetter(message);
    } catch (error) {
      this.logger.debug({ topic: message.topic, offset: message.offset, error: describeError(error) }, 'dashboard feed skipped a record');
    }
  }

  private acceptRaw(message: ConsumedMessage): void {
    const offsets = this.rawTimestamps.get(message.partition) ?? new Map<bigint, number>();
    if (offsets.size >= MAX_TRACKED_RAW_OFFSETS) return;
    offsets.set(BigInt(message.offset), message.timestampMs);
    this.rawTimestamps.set(message.partition, offsets);
  }

  private acceptCurated(message: ConsumedMessage): void {
    const reference = parseFileReference(message.value);
    const event: CuratedFileEvent = {
      dataset: reference.dataset,
      source: reference.source,
      uri: reference.uri,
      rows: reference.rows,
      bytes: reference.bytes,
      producedAt: reference.producedAt,
      receivedAt: new Date().toISOString(),
    };
    this.drift.acceptCurated(reference);
    this.recent.unshift(event);
    this.recent.length = Math.min(this.recent.length, RECENT_FILES);
    if (Date.parse(reference.producedAt) < this.startedAt) return; // history, not news
    for (const listener of this.listeners) listener(event);
  }

  private acceptDeadLetter(message: ConsumedMessage): void {
    const event = JSON.parse(message.value.toString('utf8')) as Record<string, unknown>;
    const text = (field: string) => (typeof event[field] === 'string' ? (event[field] as string) : null);
    const stage = text('stage') ?? 'unknown';
    const reason = text('reason') ?? 'UNKNOWN';
    this.drift.acceptDeadLetter(event, message.timestampMs);
    this.deadLetterTotal += 1;
    const key = `${stage}\u0000${reason}`;
    this.deadLetterCounts.set(key, (this.deadLetterCounts.get(key) ?? 0) + 1);
    this.deadLetterLatest.unshift({
      occurredAt: text('occurredAt') ?? new Date(message.timestampMs).toISOString(),
      stage,
      reason,
      message: (text('message') ?? '').slice(0, 300),
      source: text('source'),
      dataset: text('dataset'),
    });
    this.deadLetterLatest.length = Math.min(this.deadLetterLatest.length, LATEST_DEAD_LETTERS);
  }
}
