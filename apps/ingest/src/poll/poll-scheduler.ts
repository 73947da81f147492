import { describeError, type Logger } from '@fluxo/schema';
import type { SourcePoller } from './source-poller';

export interface ScheduledSource {
  /** Identity in the schedule (the source spec): a source with the same key replaces the running one. */
  readonly key: string;
  readonly poller: Pick<SourcePoller, 'name' | 'poll'>;
  readonly intervalMs: number;
}

interface Loop {
  readonly source: ScheduledSource;
  readonly stopping: AbortController;
  readonly done: Promise<void>;
}

/**
 * Runs each source's poll loop on its interval until `stop()`. A failed poll is logged with its
 * code and retried at the next interval; its state did not advance, so nothing is skipped.
 *
 * Sources can be added, replaced and removed while running (`add`, `remove`): a loop is stopped
 * between polls, never inside one, so a poll in flight finishes its whole write → announce → advance
 * protocol before a replacement poller for the same source loads that state.
 */
export class PollScheduler {
  private readonly loops = new Map<string, Loop>();
  private stopped = false;

  constructor(private readonly logger: Logger) {}

  /** Keys of the sources being polled. */
  get keys(): string[] {
    return [...this.loops.keys()];
  }

  /** Starts polling `source`; one with the same key is stopped first (after its poll in flight). */
  async add(source: ScheduledSource): Promise<void> {
    await this.remove(source.key);
    if (this.stopped) return;
    const stopping = new AbortController();
    this.loops.set(source.key, { source, stopping, done: this.loop(source, stopping.signal) });
  }

  /** Stops polling `key`, waiting for its poll in flight to finish; false when it was not polled. */
  async remove(key: string): Promise<boolean> {
    const loop = this.loops.get(key);
    if (loop === undefined) return false;
    this.loops.delete(key);
    loop.stopping.abort();
    await loop.done;
    return true;
  }

  /** Lets the polls in flight finish, then resolves. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.loops.keys()].map((key) => this.remove(key)));
  }

  private async loop({ poller, intervalMs }: ScheduledSource, signal: AbortSignal): Promise<void> {
    const logger = this.logger.child({ source: poller.name });
    while (!signal.aborted) {
      const started = Date.now();
      try {
        await poller.poll();
      } catch (error) {
        const fields = typeof error === 'object' && error !== null && 'code' in error ? { code: (error as { code: unknown }).code } : {};
        logger.error({ ...fields, err: describeError(error) }, 'poll failed; retrying at the next interval');
      }
      await sleep(Math.max(0, intervalMs - (Date.now() - started)), signal);
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
