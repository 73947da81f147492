import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { describeError, type Logger } from '@fluxo/schema';
import { LineageError } from './errors';
import type { RunEvent } from './openlineage';

/** Where events go: an OpenLineage HTTP endpoint (e.g. Marquez `…/api/v1/lineage`) and/or a JSON-lines file. */
export interface LineageTransportOptions {
  readonly url?: string;
  readonly file?: string;
  /** One POST at most this long. Default 5000. */
  readonly timeoutMs?: number;
  /** Extra request headers (e.g. `authorization`); never logged. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Events waiting for the HTTP endpoint at most; beyond, the oldest are dropped (and counted). Default 10000. */
  readonly maxQueuedEvents?: number;
}

export type LineageTransport = 'http' | 'file';
export type LineageOutcome = 'emitted' | 'failed' | 'dropped';

export interface LineageEmitterOptions extends LineageTransportOptions {
  readonly logger: Logger;
  /** Told the outcome of every event per transport (metrics). */
  readonly onOutcome?: (transport: LineageTransport, outcome: LineageOutcome) => void;
}

/**
 * Sends OpenLineage run events: appended as one JSON line each to `file` before `emit` returns, and
 * POSTed one by one, in order, to `url` by a background sender, so a slow or unreachable lineage
 * backend never holds up a commit. Lineage is metadata about the data, not the data: failures are
 * logged and counted (`onOutcome`), never thrown; an event the endpoint refused is not retried.
 * `close()` gives queued events one timeout to go out.
 */
export class LineageEmitter implements AsyncDisposable {
  private readonly logger: Logger;
  private readonly queue: RunEvent[] = [];
  private sending: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly options: LineageEmitterOptions) {
    if (options.url !== undefined && !/^https?:\/\//.test(options.url)) throw new LineageError('INVALID_OPTIONS', 'url: must be an http(s) URL');
    this.logger = options.logger.child({ component: 'lineage' });
  }

  /** Whether any transport is configured (nothing to build otherwise). */
  get enabled(): boolean {
    return this.options.url !== undefined || this.options.file !== undefined;
  }

  async emit(events: readonly RunEvent[]): Promise<void> {
    if (events.length === 0 || this.closed) return;
    if (this.options.file !== undefined) await this.appendLines(events);
    if (this.options.url !== undefined) {
      this.queue.push(...events);
      const max = this.options.maxQueuedEvents ?? 10_000;
      if (this.queue.length > max) {
        const dropped = this.queue.splice(0, this.queue.length - max);
        for (let i = 0; i < dropped.length; i += 1) this.options.onOutcome?.('http', 'dropped');
        this.logger.warn({ dropped: dropped.length, queued: this.queue.length }, 'lineage endpoint is behind; dropped the oldest events');
      }
      this.sending ??= this.drain().finally(() => (this.sending = undefined));
    }
  }

  /** Resolves once every event queued so far was sent or failed (tests, shutdown). */
  async flush(): Promise<void> {
    while (this.sending !== undefined) await this.sending;
  }

  async close(): Promise<void> {
    this.closed = true;
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, this.options.timeoutMs ?? 5000).unref());
    await Promise.race([this.flush(), deadline]);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private async drain(): Promise<void> {
    for (let event = this.queue.shift(); event !== undefined; event = this.queue.shift()) {
      try {
        await this.post(event);
        this.options.onOutcome?.('http', 'emitted');
      } catch (error) {
        this.options.onOutcome?.('http', 'failed');
        this.logger.warn({ transport: 'http', runId: event.run.runId, eventType: event.eventType, error: describeError(error) }, 'could not send a lineage event; the pipeline goes on');
      }
    }
  }

  private async appendLines(events: readonly RunEvent[]): Promise<void> {
    const file = this.options.file ?? '';
    try {
      await mkdir(dirname(file), { recursive: true });
      // One write per call: a reader never sees half of the events of one commit.
      await appendFile(file, events.map((event) => `${JSON.stringify(event)}\n`).join(''));
      for (let i = 0; i < events.length; i += 1) this.options.onOutcome?.('file', 'emitted');
    } catch (error) {
      for (let i = 0; i < events.length; i += 1) this.options.onOutcome?.('file', 'failed');
      this.logger.warn({ transport: 'file', file, events: events.length, error: describeError(error) }, 'could not write lineage events; the pipeline goes on');
    }
  }

  private async post(event: RunEvent): Promise<void> {
    const response = await fetch(this.options.url ?? '', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...this.options.headers },
      body: JSON.stringify(event),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
    });
    await response.body?.cancel();
    if (!response.ok) throw new LineageError('EMIT_FAILED', `lineage endpoint answered ${response.status}`, { retriable: true, context: { status: response.status } });
  }
}
