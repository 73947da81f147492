import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { describeError, redactUrl, type EventExtraction, type Logger, type StreamGapRecord, type StreamInstance } from '@fluxo/schema';
import { StreamIngestError } from '../errors';
import type { BoundedBuffer } from '../pipeline/bounded-buffer';
import { DedupWindow } from '../pipeline/dedup-window';
import type { PipelineItem } from '../pipeline/pipeline-item';
import type { StreamStats } from '../stream-stats';
import type { StreamItem } from '../transport/stream-item';
import type { StreamConnection, StreamTransport } from '../transport/transport';
import { reconnectDelayMs, type BackoffPolicy } from './backoff';
import { detectGap, type ResumeContext } from './gap-detector';
import { withReceiptTime } from './receipt-time';
import { rewindEventStreamsId } from './stream-position';

const PREVIEW_CHARS = 64 * 1024;
const RECENT_KEYS = 4096;

/** Where the session starts: the checkpoint of the last announced batch. */
export interface SessionStart {
  readonly position: string | undefined;
  readonly lastEventTime: Date | null;
  readonly hadEvents: boolean;
  /** Newest announced keys (the checkpoint's window tail): what a resumed server re-sends first. */
  readonly recentKeys: readonly string[];
}

export interface StreamSessionDeps {
  readonly instance: StreamInstance;
  readonly transport: StreamTransport;
  readonly buffer: BoundedBuffer<PipelineItem>;
  readonly extract: (text: string) => EventExtraction;
  readonly start: SessionStart;
  readonly stallTimeoutMs: number;
  readonly backoff: BackoffPolicy;
  readonly stats: StreamStats;
  readonly logger: Logger;
  /** Clock of the receipt time stamped on every event (`context.received_at`). Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * Holds one stream open: connects (resuming from the last position), turns messages into events
 * or dead-letter items (each event stamped with its receipt time, see receipt-time.ts), detects
 * gaps on the first event of each connection, and pushes everything into the bounded buffer in
 * order, awaiting room when it is full (reading pauses meanwhile).
 * Disconnects, server errors and stalls (no byte for `stallTimeoutMs` while reading) lead to a
 * reconnect after an exponential backoff with jitter. `run()` returns once `signal` aborts.
 */
export class StreamSession {
  private position: string | undefined;
  private lastEventTime: Date | null;
  private hadEvents: boolean;
  private readonly recent: DedupWindow;
  private serverRetryMs: number | undefined;
  private readonly eventTypes: ReadonlySet<string>;
  private readonly logger: Logger;

  constructor(private readonly deps: StreamSessionDeps) {
    this.position = deps.start.position;
    this.lastEventTime = deps.start.lastEventTime;
    this.hadEvents = deps.start.hadEvents;
    this.recent = new DedupWindow(RECENT_KEYS, deps.start.recentKeys);
    this.eventTypes = new Set(deps.instance.definition.stream.eventTypes ?? ['message']);
    this.logger = deps.logger.child({ stream: deps.instance.definition.name });
  }

  async run(signal: AbortSignal): Promise<void> {
    const { stats, instance, backoff } = this.deps;
    let attempt = 0;
    while (!signal.aborted && !this.deps.buffer.closed) {
      const context = this.resumeContext();
      let delivered = 0;
      let retryAfterMs: number | undefined;
      try {
        stats.connects += 1;
        const connection = await this.deps.transport.connect({
          url: instance.url,
          headers: instance.headers,
          lastEventId: context.sentId,
          subscribe: instance.definition.stream.subscribe,
        });
        this.logger.info({ url: redactUrl(instance.url), lastEventId: context.sentId ?? null }, 'stream connected');
        delivered = await this.read(connection, context, signal, () => (delivered += 1));
        if (!signal.aborted) this.logger.warn({ url: redactUrl(instance.url), delivered }, 'stream ended by the server; reconnecting');
      } catch (error) {
        if (signal.aborted) break;
        const code = error instanceof StreamIngestError ? error.code : undefined;
        if (code === 'STREAM_STALLED') stats.stalls += 1;
        if (error instanceof StreamIngestError && typeof error.context['retryAfterMs'] === 'number') retryAfterMs = error.context['retryAfterMs'];
        this.logger.warn({ url: redactUrl(instance.url), code, err: describeError(error), delivered }, 'stream connection failed');
      }
      if (signal.aborted) break;
      attempt = delivered > 0 ? 1 : attempt + 1;
      const delayMs = reconnectDelayMs(backoff, attempt, retryAfterMs ?? this.serverRetryMs);
      stats.reconnects += 1;
      this.logger.info({ attempt, delayMs }, 'reconnecting');
      await sleep(delayMs, undefined, { signal }).catch(() => undefined);
    }
  }

  /** Reads one connection to its end; returns how many messages it delivered. */
  private async read(connection: StreamConnection, context: ResumeContext, signal: AbortSignal, onMessage: () => void): Promise<number> {
    const { buffer, stallTimeoutMs, stats } = this.deps;
    let delivered = 0;
    let lastByteAt = Date.now();
    let waitingForRoom = false;
    let first = true;
    const onAbort = (): void => connection.close(new Error('stopping'));
    signal.addEventListener('abort', onAbort, { once: true });
    const watchdog = setInterval(
      () => {
        if (waitingForRoom || Date.now() - lastByteAt <= stallTimeoutMs) return;
        connection.close(new StreamIngestError('STREAM_STALLED', `No byte from ${redactUrl(this.deps.instance.url)} for ${stallTimeoutMs} ms`, { context: { url: redactUrl(this.deps.instance.url) } }));
      },
      Math.max(50, Math.min(1000, Math.floor(stallTimeoutMs / 4))),
    );
    try {
      for await (const items of connection.chunks()) {
        lastByteAt = Date.now();
        for (const item of items) {
          const out = this.convert(item, context, first);
          if (out.length === 0) continue;
          delivered += 1;
          onMessage();
          if (out.some((p) => p.kind === 'event')) first = false;
          for (const pipelineItem of out) {
            if (buffer.offer(pipelineItem)) continue;
            waitingForRoom = true;
            const accepted = await buffer.put(pipelineItem);
            waitingForRoom = false;
            lastByteAt = Date.now();
            if (!accepted) {
              stats.discardedAtStop += 1;
              return delivered; // shutting down
            }
          }
          stats.bufferDepth = buffer.size;
        }
      }
      return delivered;
    } finally {
      clearInterval(watchdog);
      signal.removeEventListener('abort', onAbort);
      connection.close(new Error('done'));
    }
  }

  private convert(item: StreamItem, context: ResumeContext, first: boolean): PipelineItem[] {
    const { stats } = this.deps;
    const receivedAtMs = (this.deps.now ?? Date.now)();
    switch (item.kind) {
      case 'retry':
        this.serverRetryMs = item.ms;
        return [];
      case 'oversized':
        stats.received += 1;
        stats.malformed += 1;
        if (item.id !== undefined) this.position = item.id;
        return [
          {
            kind: 'malformed',
            reason: 'OVERSIZED_LINE',
            message: `message of ${item.bytes} bytes exceeds the limit of the stream's lines`,
            raw: item.preview,
            bytes: item.bytes,
            truncated: true,
            position: item.id,
            receivedAtMs,
          },
        ];
      case 'message':
        break;
    }
    if (!this.eventTypes.has(item.type)) {
      stats.ignored += 1;
      return [];
    }
    stats.received += 1;
    const extraction = this.deps.extract(item.data);
    if (!extraction.ok) {
      stats.malformed += 1;
      if (item.id !== undefined) this.position = item.id;
      return [
        {
          kind: 'malformed',
          reason: extraction.reason,
          message: extraction.message,
          raw: item.data.slice(0, PREVIEW_CHARS),
          bytes: Buffer.byteLength(item.data),
          truncated: item.data.length > PREVIEW_CHARS,
          position: item.id,
          receivedAtMs,
        },
      ];
    }
    const record = withReceiptTime(extraction.record, receivedAtMs);
    const out: PipelineItem[] = [];
    if (first) {
      const gap = detectGap(context, { key: record.key, position: item.id, eventTime: record.eventTime }, (key) => this.recent.has(key));
      if (gap !== undefined) {
        stats.gaps += 1;
        const gapRecord = this.gapRecord(context, item.id, record.eventTime, gap.reason, gap.positionsSkipped);
        this.logger.warn({ ...gapRecord }, 'gap in stream: the server did not continue where we stopped');
        out.push({ kind: 'gap', gap: gapRecord });
      }
    }
    this.recent.add(record.key);
    if (item.id !== undefined) this.position = item.id;
    if (record.eventTime !== null) this.lastEventTime = record.eventTime;
    this.hadEvents = true;
    out.push({ kind: 'event', record, position: item.id, bytes: Buffer.byteLength(item.data), receivedAtMs });
    return out;
  }

  private resumeContext(): ResumeContext {
    const { resume } = this.deps.instance.definition.stream;
    const sentId = this.position === undefined || resume === 'none' ? undefined : resume === 'eventstreams' ? rewindEventStreamsId(this.position) : this.position;
    return { mode: resume, position: this.position, lastEventTime: this.lastEventTime, sentId, hadEvents: this.hadEvents };
  }

  private gapRecord(
    context: ResumeContext,
    toPosition: string | undefined,
    endTime: Date | null,
    reason: StreamGapRecord['reason'],
    positionsSkipped: number | null,
  ): StreamGapRecord {
    const stream = this.deps.instance.definition.name;
    const from = context.position ?? context.lastEventTime?.toISOString() ?? '';
    return {
      gap_id: uuidFrom(`${stream}\n${from}\n${toPosition ?? endTime?.toISOString() ?? ''}`),
      stream,
      reason,
      gap_start: context.lastEventTime?.toISOString() ?? null,
      gap_end: endTime?.toISOString() ?? null,
      from_position: context.position ?? null,
      to_position: toPosition ?? null,
      positions_skipped: positionsSkipped,
      detected_at: new Date().toISOString(),
      url: redactUrl(this.deps.instance.url),
    };
  }
}

/** A version-4-shaped UUID derived from a name: the same gap found again gets the same id. */
function uuidFrom(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex');
  const variant = ((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
