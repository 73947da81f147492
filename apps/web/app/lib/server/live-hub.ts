import { describeError, type Logger } from '@fluxo/schema';
import type { CuratedFileEvent, LiveEvents, PipelineSnapshot, ViewRequest } from '../definitions';
import type { KafkaFeed } from './kafka-feed';
import type { LakeData } from './lake-data';
import type { PipelineMonitor } from './pipeline-monitor';
import { computeView, datasetsOf } from './views/view-request';

export type Send = <E extends keyof LiveEvents>(event: E, data: LiveEvents[E]) => void;

interface Subscriber {
  readonly request: ViewRequest;
  readonly send: Send;
  /** JSON of the last view payload sent, so an unchanged view is not sent again. */
  lastView: string | undefined;
  refreshing: boolean;
  pending: string | undefined;
}

const FILE_DEBOUNCE_MS = 150;

/**
 * Fans live events out to the connected browsers (one subscriber per SSE connection): every pipeline
 * snapshot, every new curated file, and the subscriber's page data whenever it changed — right after a
 * new file of a dataset it shows, and on each snapshot tick for changes Kafka did not announce.
 */
export class LiveHub {
  private readonly subscribers = new Set<Subscriber>();
  private fileTimer: NodeJS.Timeout | undefined;
  private readonly changedDatasets = new Set<string>();

  constructor(
    private readonly lake: LakeData,
    private readonly monitor: PipelineMonitor,
    feed: KafkaFeed,
    private readonly logger: Logger,
  ) {
    monitor.onSnapshot((snapshot) => this.onSnapshot(snapshot));
    feed.onFile((file) => this.onFile(file));
  }

  get size(): number {
    return this.subscribers.size;
  }

  /** Registers a browser; sends it the current snapshot and page data. Returns the unsubscribe function. */
  subscribe(request: ViewRequest, send: Send): () => void {
    const subscriber: Subscriber = { request, send, lastView: undefined, refreshing: false, pending: undefined };
    this.subscribers.add(subscriber);
    void this.monitor.snapshot().then(
      (snapshot) => this.subscribers.has(subscriber) && send('pipeline', snapshot),
      (error: unknown) => this.logger.warn({ error: describeError(error) }, 'snapshot failed'),
    );
    void this.refresh(subscriber, 'connected');
    return () => this.subscribers.delete(subscriber);
  }

  private onSnapshot(snapshot: PipelineSnapshot): void {
    for (const subscriber of this.subscribers) {
      subscriber.send('pipeline', snapshot);
      void this.refresh(subscriber, 'tick');
    }
  }

  private onFile(file: CuratedFileEvent): void {
    for (const subscriber of this.subscribers) subscriber.send('file', file);
    this.changedDatasets.add(file.dataset);
    clearTimeout(this.fileTimer);
    this.fileTimer = setTimeout(() => {
      const changed = new Set(this.changedDatasets);
      this.changedDatasets.clear();
      this.lake.invalidate();
      void this.monitor.refresh();
      for (const subscriber of this.subscribers) {
        const datasets = datasetsOf(subscriber.request);
        if (datasets === 'all' || datasets.some((dataset) => changed.has(dataset))) void this.refresh(subscriber, `new file: ${[...changed].join(', ')}`);
      }
    }, FILE_DEBOUNCE_MS);
  }

  private async refresh(subscriber: Subscriber, reason: string): Promise<void> {
    if (subscriber.refreshing) {
      subscriber.pending = reason;
      return;
    }
    subscriber.refreshing = true;
    try {
      const payload = await computeView(this.lake, subscriber.request);
      if (payload !== undefined && this.subscribers.has(subscriber)) {
        const json = JSON.stringify(payload);
        if (json !== subscriber.lastView) {
          subscriber.lastView = json;
          subscriber.send('view', { key: payload.key, payload, reason });
        }
      }
    } catch (error) {
      this.logger.warn({ error: describeError(error), view: subscriber.request.view }, 'view refresh failed');
    } finally {
      subscriber.refreshing = false;
      const pending = subscriber.pending;
      subscriber.pending = undefined;
      if (pending !== undefined) void this.refresh(subscriber, pending);
    }
  }
}
