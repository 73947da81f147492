import { formatCount, formatDuration, truncate } from './format';

/** Counts a long task reports as it goes. */
export interface ProgressCounts {
  readonly files: number;
  readonly rows: number;
  readonly bytes?: number;
}

export interface ProgressBar {
  update(done: ProgressCounts): void;
  /** Ends the bar; on a terminal the line is replaced by `summary` (if any). */
  finish(summary?: string): void;
}

/**
 * Progress on stderr for anything that may take longer than a second: an indeterminate `step`
 * (spinner, label, elapsed time) or a `bar` with files, rows and an ETA. Nothing is shown for work
 * that ends within `delayMs`. On a terminal one line is redrawn in place; otherwise (CI, pipes,
 * tests) a line is printed when a step passes the delay and then at most every `plainIntervalMs`.
 * `enabled: false` (`--quiet`) prints nothing.
 */
export class Progress {
  private current: { label: string; started: number; total: ProgressCounts | null; done: ProgressCounts | null; shown: boolean; lastPlain: number } | null = null;
  private timer: NodeJS.Timeout | undefined;
  private frame = 0;

  constructor(
    private readonly stream: { write(text: string): unknown; readonly isTTY?: boolean; readonly columns?: number },
    private readonly options: { readonly enabled: boolean; readonly delayMs?: number; readonly plainIntervalMs?: number; readonly now?: () => number } = { enabled: true },
  ) {}

  private get now(): number {
    return (this.options.now ?? Date.now)();
  }

  private get tty(): boolean {
    return this.stream.isTTY === true;
  }

  /** Runs `work` with a spinner labelled `label` (shown only if it takes longer than the delay). */
  async step<T>(label: string, work: () => Promise<T>): Promise<T> {
    this.begin(label, null);
    try {
      return await work();
    } finally {
      this.end();
    }
  }

  /** A determinate task: `total` files (and bytes, when known, for a better ETA). */
  bar(label: string, total: ProgressCounts): ProgressBar {
    this.begin(label, total);
    return {
      update: (done) => {
        if (this.current !== null) this.current.done = done;
        if (!this.tty) this.tick();
      },
      finish: (summary) => this.end(summary),
    };
  }

  /** A line of its own (clears the progress line first, redraws it after). */
  note(text: string): void {
    if (!this.options.enabled) return;
    if (this.tty && this.current?.shown === true) this.stream.write('\r\x1b[2K');
    this.stream.write(`${text}\n`);
    if (this.tty && this.current?.shown === true) this.render();
  }

  /** The current line, for tests and for the terminal. */
  line(): string {
    const current = this.current;
    if (current === null) return '';
    const elapsed = this.now - current.started;
    const spinner = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏'[this.frame % 10] ?? '-';
    if (current.total === null || current.done === null) return `${this.tty ? spinner : '…'} ${current.label} (${formatDuration(elapsed)})`;
    const { total, done } = current;
    const fraction = fractionDone(done, total);
    const eta = fraction > 0 && fraction < 1 ? elapsed * ((1 - fraction) / fraction) : null;
    const width = 24;
    const filled = Math.round(fraction * width);
    const bar = this.tty ? `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ` : '';
    return (
      `${bar}${current.label} ${Math.floor(fraction * 100)}%  ${formatCount(done.files)}/${formatCount(total.files)} files  ${formatCount(done.rows)} rows` +
      `  ${formatDuration(elapsed)}${eta === null ? '' : `  ETA ${formatDuration(eta)}`}`
    );
  }

  private begin(label: string, total: ProgressCounts | null): void {
    this.end();
    if (!this.options.enabled) return;
    this.current = { label, started: this.now, total, done: total === null ? null : { files: 0, rows: 0, bytes: 0 }, shown: false, lastPlain: 0 };
    this.timer = setInterval(() => this.tick(), this.tty ? 100 : 1_000);
    this.timer.unref();
  }

  private tick(): void {
    const current = this.current;
    if (current === null) return;
    this.frame += 1;
    const elapsed = this.now - current.started;
    if (elapsed < (this.options.delayMs ?? 1_000)) return;
    if (this.tty) {
      current.shown = true;
      this.render();
    } else if (!current.shown || this.now - current.lastPlain >= (this.options.plainIntervalMs ?? 10_000)) {
      current.shown = true;
      current.lastPlain = this.now;
      this.stream.write(`${this.line()}\n`);
    }
  }

  private render(): void {
    this.stream.write(`\r\x1b[2K${truncate(this.line(), Math.max(20, (this.stream.columns !== undefined && this.stream.columns > 0 ? this.stream.columns : 100) - 1))}`);
  }

  private end(summary?: string): void {
    clearInterval(this.timer);
    this.timer = undefined;
    const current = this.current;
    this.current = null;
    if (current === null || !this.options.enabled) return;
    if (this.tty && current.shown) this.stream.write('\r\x1b[2K');
    if (summary !== undefined && current.shown) this.stream.write(`${summary}\n`);
  }
}

function fractionDone(done: ProgressCounts, total: ProgressCounts): number {
  if (total.bytes !== undefined && total.bytes > 0 && done.bytes !== undefined) return Math.min(1, done.bytes / total.bytes);
  return total.files > 0 ? Math.min(1, done.files / total.files) : 1;
}
