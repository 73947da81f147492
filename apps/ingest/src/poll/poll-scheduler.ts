import { describeError, type Logger } from '@fluxo/schema';
import type { SourcePoller } from './source-poller';

export interface ScheduledSource {
  readonly poller: Pick<SourcePoller, 'name' | 'poll'>;
  readonly intervalMs: number;
}

/**
 * Runs each source's poll loop on its interval until `stop()`. A failed poll is logged with its
 * code and retried at the next interval; its state did not advance, so nothing is skipped.
 */
export class PollScheduler {
  private readonly stopping = new AbortController();
  private loops: Promise<void>[] = [];

  constructor(
    private readonly sources: readonly ScheduledSource[],
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.loops = this.sources.map((source) => this.loop(source));
  }

  /** Lets the polls in flight finish, then resolves. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.all(this.loops);
  }

  private async loop({ poller, intervalMs }: ScheduledSource): Promise<void> {
    const logger = this.logger.child({ source: poller.name });
    while (!this.stopping.signal.aborted) {
      const started = Date.now();
      try {
        await poller.poll();
      } catch (error) {
        const fields = typeof error === 'object' && error !== null && 'code' in error ? { code: (error as { code: unknown }).code } : {};
        logger.error({ ...fields, err: describeError(error) }, 'poll failed; retrying at the next interval');
      }
      await sleep(Math.max(0, intervalMs - (Date.now() - started)), this.stopping.signal);
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
