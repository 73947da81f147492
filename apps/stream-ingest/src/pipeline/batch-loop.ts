import { setTimeout as sleep } from 'node:timers/promises';
import {
  createEventExtractor,
  deadLetterEvent,
  describeError,
  encodeOriginal,
  redactUrl,
  STREAM_GAPS_SOURCE,
  type DeadLetterFields,
  type ExtractedRecord,
  type InternalSourceDefinition,
  type Logger,
  type StreamSourceDefinition,
} from '@fluxo/schema';
import type { UnitAnnouncer, UnitFile } from '../announce/unit-announcer';
import { reconnectDelayMs, type BackoffPolicy } from '../session/backoff';
import type { StreamCheckpoint } from '../state/checkpoint-store';
import type { StreamStats } from '../stream-stats';
import type { BoundedBuffer } from './bounded-buffer';
import type { DedupWindow } from './dedup-window';
import type { FlushTrigger, MicroBatcher } from './micro-batcher';
import type { PipelineItem } from './pipeline-item';

export interface BatchLoopDeps {
  readonly stream: StreamSourceDefinition;
  readonly gapsSource: InternalSourceDefinition;
  readonly url: string;
  readonly buffer: BoundedBuffer<PipelineItem>;
  readonly batcher: MicroBatcher;
  readonly window: DedupWindow;
  readonly announcer: Pick<UnitAnnouncer, 'commit' | 'recover' | 'hasPending'>;
  readonly checkpoint: StreamCheckpoint;
  readonly stats: StreamStats;
  /** Delays between attempts of a flush that failed (Kafka or disk trouble). */
  readonly retry: BackoffPolicy;
  readonly logger: Logger;
  readonly now?: () => number;
}

interface OpenBatch {
  events: ExtractedRecord[];
  deadLetters: DeadLetterFields[];
  gaps: ExtractedRecord[];
}

/**
 * The consumer side: takes items from the bounded buffer, drops events whose key the dedup window
 * holds, collects the rest into a micro-batch and flushes it on a size or time trigger as one
 * unit (raw file, gap file, dead letters, checkpoint) through the UnitAnnouncer. While a flush is
 * in progress nothing is taken, so a slow Kafka or disk fills the buffer and pauses reading.
 * `run()` returns once the buffer is closed and everything taken is flushed.
 */
export class BatchLoop {
  private batch: OpenBatch = { events: [], deadLetters: [], gaps: [] };
  private position: string | null;
  private lastEventTime: string | null;
  private hadEvents: boolean;
  private readonly extractGap: ReturnType<typeof createEventExtractor>;
  private readonly now: () => number;
  private readonly logger: Logger;

  constructor(private readonly deps: BatchLoopDeps) {
    this.position = deps.checkpoint.position;
    this.lastEventTime = deps.checkpoint.lastEventTime;
    this.hadEvents = deps.checkpoint.hadEvents;
    this.extractGap = createEventExtractor(deps.gapsSource);
    this.now = deps.now ?? Date.now;
    this.logger = deps.logger.child({ stream: deps.stream.name });
  }

  async run(): Promise<void> {
    const { buffer, batcher } = this.deps;
    for (;;) {
      const deadline = batcher.nextDeadline();
      const item = await buffer.take(deadline === undefined ? undefined : deadline - this.now());
      this.deps.stats.bufferDepth = buffer.size;
      if (item !== undefined) {
        const trigger = this.accept(item);
        if (trigger !== undefined) await this.flush(trigger);
      } else if (buffer.closed && buffer.size === 0) {
        await this.flush('shutdown');
        return;
      }
      const due = batcher.due(this.now());
      if (due !== undefined) await this.flush(due);
    }
  }

  private accept(item: PipelineItem): FlushTrigger | undefined {
    const { stats, window, batcher } = this.deps;
    const now = this.now();
    switch (item.kind) {
      case 'event': {
        this.advance(item.position);
        this.hadEvents = true;
        if (item.record.eventTime !== null) this.lastEventTime = item.record.eventTime.toISOString();
        if (!window.add(item.record.key)) {
          stats.duplicates += 1;
          return undefined;
        }
        stats.accepted += 1;
        this.batch.events.push(item.record);
        return batcher.add(receivedBy(item.receivedAtMs, now), 1, item.bytes);
      }
      case 'malformed':
        this.advance(item.position);
        this.batch.deadLetters.push(this.deadLetterOf(item));
        return batcher.add(receivedBy(item.receivedAtMs, now), 0, item.raw.length);
      case 'gap': {
        const extraction = this.extractGap(JSON.stringify(item.gap));
        if (!extraction.ok) throw new Error(`gap record does not match ${STREAM_GAPS_SOURCE}: ${extraction.message}`);
        this.batch.gaps.push(extraction.record);
        return batcher.add(now, 0, extraction.record.record.length);
      }
    }
  }

  private advance(position: string | undefined): void {
    if (position !== undefined) this.position = position;
  }

  /** Flushes the open batch; retries with backoff until it is durable (or, at shutdown, a few times). */
  private async flush(trigger: FlushTrigger): Promise<void> {
    const { batcher, announcer, stats } = this.deps;
    if (batcher.isEmpty) return;
    const batch = this.batch;
    const size = batcher.size;
    const checkpoint: StreamCheckpoint = {
      stateVersion: 1,
      source: this.deps.stream.name,
      url: this.deps.url,
      position: this.position,
      lastEventTime: this.lastEventTime,
      hadEvents: this.hadEvents,
      window: this.deps.window.snapshot(),
      updatedAt: new Date(this.now()).toISOString(),
    };
    const files: UnitFile[] = [
      { source: this.deps.gapsSource.name, dataset: this.deps.gapsSource.dataset, label: 'gap', records: batch.gaps },
      { source: this.deps.stream.name, dataset: this.deps.stream.dataset, label: 'batch', records: batch.events },
    ];
    const started = this.now();
    for (let attempt = 1; ; attempt += 1) {
      try {
        if (attempt > 1 && (await announcer.hasPending())) {
          await announcer.recover(); // the unit was recorded before the failure: finishing it finishes this batch
        } else {
          const references = await announcer.commit({ fetchedAt: new Date(started), files, deadLetters: batch.deadLetters, checkpoint });
          for (const reference of references) {
            stats.rowsWritten += reference.rows;
            stats.bytesWritten += reference.bytes;
            this.logger.info(
              { uri: reference.uri, source: reference.source, rows: reference.rows, bytes: reference.bytes, eventId: reference.eventId, trigger },
              'announced raw file',
            );
          }
        }
        break;
      } catch (error) {
        stats.flushFailures += 1;
        const code = typeof error === 'object' && error !== null && 'code' in error ? (error as { code: unknown }).code : undefined;
        if (code === 'STATE_CORRUPT' || (this.deps.buffer.closed && attempt >= 3)) throw error;
        const delayMs = reconnectDelayMs(this.deps.retry, attempt);
        this.logger.error({ code, err: describeError(error), attempt, delayMs, rows: size.rows }, 'flush failed; retrying (reading pauses once the buffer is full)');
        await sleep(delayMs);
      }
    }
    stats.batches += 1;
    this.logger.debug(
      { trigger, rows: size.rows, bytes: size.bytes, deadLetters: batch.deadLetters.length, gaps: batch.gaps.length, position: this.position, ms: this.now() - started },
      'flushed batch',
    );
    this.batch = { events: [], deadLetters: [], gaps: [] };
    batcher.reset();
  }

  private deadLetterOf(item: Extract<PipelineItem, { kind: 'malformed' }>): DeadLetterFields {
    const { stream } = this.deps;
    return deadLetterEvent({
      stage: 'stream-ingest',
      reason: item.reason,
      message: item.message,
      source: stream.name,
      dataset: stream.dataset,
      original: encodeOriginal(item.raw),
      details: { bytes: item.bytes, truncated: item.truncated, url: redactUrl(this.deps.url), ...(item.position === undefined ? {} : { position: item.position }) },
      occurredAt: new Date(this.now()),
    });
  }
}

/**
 * The time an item counts from in its batch: its receipt, so an event that waited in the buffer
 * while the previous batch was flushed does not wait a whole `maxAgeMs` more (the age bound holds
 * from arrival, as configured). Never later than `now`: a clock step back cannot postpone a cut.
 */
function receivedBy(receivedAtMs: number, now: number): number {
  return Math.min(receivedAtMs, now);
}
