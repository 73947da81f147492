import { createEventExtractor, describeError, type InternalSourceDefinition, type Logger, type ProducerIdentity, type StreamInstance, type Announcer } from '@fluxo/schema';
import { UnitAnnouncer } from './announce/unit-announcer';
import { BatchLoop } from './pipeline/batch-loop';
import { BoundedBuffer } from './pipeline/bounded-buffer';
import { DedupWindow } from './pipeline/dedup-window';
import { MicroBatcher, type BatchLimits } from './pipeline/micro-batcher';
import type { PipelineItem } from './pipeline/pipeline-item';
import type { RawFileSink } from '@fluxo/parquet-io';
import type { DurableFiles, PendingAnnouncements } from '@fluxo/producer';
import type { BackoffPolicy } from './session/backoff';
import { StreamSession } from './session/stream-session';
import type { CheckpointStore, StreamCheckpoint } from './state/checkpoint-store';
import { newStreamStats, type StreamStats } from './stream-stats';
import type { StreamTransport } from './transport/transport';

export interface StreamRunnerDeps {
  readonly instance: StreamInstance;
  readonly gapsSource: InternalSourceDefinition;
  readonly transport: StreamTransport;
  readonly rawFiles: RawFileSink;
  readonly files: DurableFiles;
  readonly announcer: Announcer;
  readonly checkpoints: CheckpointStore;
  readonly pending: PendingAnnouncements<StreamCheckpoint>;
  readonly producer: ProducerIdentity;
  readonly limits: BatchLimits;
  readonly bufferMaxEvents: number;
  readonly dedupWindowEvents: number;
  readonly stallTimeoutMs: number;
  readonly backoff: BackoffPolicy;
  readonly logger: Logger;
}

/**
 * One stream, end to end: recover pending units, load the checkpoint, then run the session
 * (connection → bounded buffer) and the batch loop (buffer → raw files → Kafka → checkpoint)
 * side by side until `stop()`, which closes the connection and flushes what was received.
 */
export class StreamRunner {
  readonly stats: StreamStats = newStreamStats();
  private readonly stopping = new AbortController();
  private buffer: BoundedBuffer<PipelineItem> | undefined;
  private running: Promise<void> | undefined;
  private readonly logger: Logger;

  constructor(private readonly deps: StreamRunnerDeps) {
    this.logger = deps.logger.child({ stream: deps.instance.definition.name });
  }

  get name(): string {
    return this.deps.instance.definition.name;
  }

  async start(): Promise<void> {
    const { instance } = this.deps;
    const stats = this.stats;
    const announcer = new UnitAnnouncer({
      stream: this.name,
      rawFiles: this.deps.rawFiles,
      files: this.deps.files,
      announcer: this.deps.announcer,
      checkpoints: this.deps.checkpoints,
      pending: this.deps.pending,
      producer: this.deps.producer,
      logger: this.deps.logger,
    });
    const recovered = await announcer.recover();
    const checkpoint = await this.deps.checkpoints.load(this.name, instance.url);
    this.logger.info({ recovered, position: checkpoint.position, lastEventTime: checkpoint.lastEventTime, window: checkpoint.window.length }, 'resuming from checkpoint');
    const window = new DedupWindow(this.deps.dedupWindowEvents, checkpoint.window);
    const buffer = new BoundedBuffer<PipelineItem>(this.deps.bufferMaxEvents, {
      onPause: (depth) => {
        stats.backpressurePauses += 1;
        this.logger.warn({ depth, pauses: stats.backpressurePauses }, 'backpressure: buffer full, reading paused until the batcher catches up');
      },
      onResume: (pausedMs, depth) => {
        stats.backpressurePausedMs += pausedMs;
        this.logger.info({ pausedMs, depth }, 'backpressure released: reading again');
      },
    });
    this.buffer = buffer;
    const session = new StreamSession({
      instance,
      transport: this.deps.transport,
      buffer,
      extract: createEventExtractor(instance.definition),
      start: {
        position: checkpoint.position ?? undefined,
        lastEventTime: checkpoint.lastEventTime === null ? null : new Date(checkpoint.lastEventTime),
        hadEvents: checkpoint.hadEvents,
        recentKeys: window.tail(4096),
      },
      stallTimeoutMs: this.deps.stallTimeoutMs,
      backoff: this.deps.backoff,
      stats,
      logger: this.deps.logger,
    });
    const loop = new BatchLoop({
      stream: instance.definition,
      gapsSource: this.deps.gapsSource,
      url: instance.url,
      buffer,
      batcher: new MicroBatcher(this.deps.limits),
      window,
      announcer,
      checkpoint,
      stats,
      retry: this.deps.backoff,
      logger: this.deps.logger,
    });
    const reading = session.run(this.stopping.signal).finally(() => buffer.close());
    const batching = loop.run().catch((error: unknown) => {
      this.logger.error({ err: describeError(error) }, 'batch loop failed; stopping the stream');
      this.stopping.abort();
      buffer.close();
      throw error;
    });
    this.running = Promise.all([reading, batching]).then(() => undefined);
  }

  /** Resolves when the stream stops (after `stop()`, or rejects when the batch loop failed). */
  done(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  stop(): Promise<void> {
    this.stopping.abort();
    this.buffer?.close();
    return this.done();
  }

  snapshot(): StreamStats {
    return { ...this.stats, bufferDepth: this.buffer?.size ?? 0, bufferHighWater: this.buffer?.highWaterMark ?? 0 };
  }
}
