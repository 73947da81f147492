import { describeError, type Logger } from '@fluxo/schema';
import { maintain, type Lakehouse, type MaintenancePolicy, type TableSpec } from '@fluxo/lakehouse';

/**
 * Runs table maintenance (compaction, snapshot expiry, deletion of unreferenced and orphaned files)
 * every `intervalMs` while the pipeline runs, on the tables this normalizer writes. Rounds never
 * overlap; a failed round is logged and the next one tries again. `close()` waits for a running round.
 */
export class MaintenanceLoop implements AsyncDisposable {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly lakehouse: Lakehouse,
    private readonly tables: () => readonly TableSpec[],
    private readonly policy: MaintenancePolicy,
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
      await maintain(this.lakehouse, this.tables(), this.policy, this.logger);
    } catch (error) {
      this.logger.warn({ error: describeError(error) }, 'table maintenance failed; the next round retries');
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
