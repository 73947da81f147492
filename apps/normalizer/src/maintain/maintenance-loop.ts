import { describeError, type Logger } from '@fluxo/schema';

/**
 * Runs maintenance — table compaction, snapshot expiry, deletion of unreferenced and orphaned
 * files, raw-zone retention — every `intervalMs` while the pipeline runs. Rounds never overlap; a
 * failed round is logged and the next one tries again. `close()` waits for a running round.
 */
export class MaintenanceLoop implements AsyncDisposable {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly work: () => Promise<unknown>,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.intervalMs <= 0 || this.closed) return;
    this.timer = setTimeout(() => {
      this.running = this.round().finally(() => {
        this.running = undefined;
        this.start();
      });
    }, this.intervalMs);
    this.timer.unref();
  }

  /** One round now (also what the timer runs). */
  async round(): Promise<void> {
    try {
      await this.work();
    } catch (error) {
      this.logger.warn({ error: describeError(error) }, 'maintenance failed; the next round retries');
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.running;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
