import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { artifactsDir, WORKSPACE_ROOT } from './workspace';

/** A log line an app printed (pino JSON), parsed; a line that is not JSON is kept as `{ msg }`. */
export type LogLine = Record<string, unknown> & { readonly msg?: string; readonly level?: number };

export interface SpawnOptions {
  /** The whole environment of the process (PATH is added). */
  readonly env: Record<string, string>;
  /** The log goes to `test-artifacts/<suite>/<label>.log` (default suite: `e2e`). */
  readonly suite?: string;
  /** `stop()` escalates to SIGKILL when the process has not exited this long after SIGTERM (default: it waits). */
  readonly killAfterMs?: number;
}

/**
 * A Node program (a built app's `dist/apps/<app>/main.cjs`, `next start`, …) running as a real process
 * from the repository root, its output kept in memory for assertions (JSON log lines parsed) and on
 * disk under test-artifacts/<suite> for post-mortems.
 */
export class AppProcess {
  readonly lines: LogLine[] = [];
  private readonly exited: Promise<number | null>;
  private waiters: { predicate: (line: LogLine) => boolean; resolve: (line: LogLine) => void }[] = [];

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    private readonly log: WriteStream,
    private readonly killAfterMs: number | undefined,
  ) {
    let buffer = '';
    const onData = (chunk: Buffer) => {
      log.write(chunk);
      buffer += chunk.toString('utf8');
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const text = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        this.accept(text);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /** The built app `dist/apps/<app>/main.cjs`. */
  static async start(app: string, env: Record<string, string>, label = app, suite = 'e2e'): Promise<AppProcess> {
    return AppProcess.spawn(label, [join(WORKSPACE_ROOT, 'dist', 'apps', app, 'main.cjs')], { env, suite });
  }

  /** `node <args…>`. */
  static async spawn(label: string, args: readonly string[], options: SpawnOptions): Promise<AppProcess> {
    const dir = artifactsDir(options.suite ?? 'e2e');
    await mkdir(dir, { recursive: true });
    const log = createWriteStream(join(dir, `${label}.log`), { flags: 'a' });
    const child = spawn(process.execPath, [...args], {
      cwd: WORKSPACE_ROOT,
      env: { PATH: process.env['PATH'] ?? '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new AppProcess(label, child, log, options.killAfterMs);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves with the first line (already printed or still to come) matching the predicate. */
  waitForLine(predicate: (line: LogLine) => boolean, timeoutMs = 60_000): Promise<LogLine> {
    const seen = this.lines.find(predicate);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name}: no matching log line within ${timeoutMs} ms; last lines:\n${this.tail()}`)), timeoutMs);
      this.waiters.push({ predicate, resolve: (line) => (clearTimeout(timer), resolve(line)) });
    });
  }

  count(message: string): number {
    return this.lines.filter((line) => line.msg === message).length;
  }

  /** Graceful stop (SIGTERM) and wait; resolves with the exit code. */
  async stop(): Promise<number | null> {
    if (this.running) this.child.kill('SIGTERM');
    const timer = this.killAfterMs === undefined ? undefined : setTimeout(() => this.child.kill('SIGKILL'), this.killAfterMs);
    try {
      return await this.finish();
    } finally {
      clearTimeout(timer);
    }
  }

  /** Waits until the process exits on its own; resolves with the exit code. */
  async waitForExit(): Promise<number | null> {
    return this.finish();
  }

  /** A crash: SIGKILL, no chance to clean up. */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.finish();
  }

  tail(lines = 15): string {
    return this.lines
      .slice(-lines)
      .map((line) => JSON.stringify(line))
      .join('\n');
  }

  private async finish(): Promise<number | null> {
    const code = await this.exited;
    await new Promise((resolve) => this.log.end(resolve));
    return code;
  }

  private accept(text: string): void {
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      line = { msg: text };
    }
    this.lines.push(line);
    const matched = this.waiters.filter((waiter) => waiter.predicate(line));
    this.waiters = this.waiters.filter((waiter) => !matched.includes(waiter));
    for (const waiter of matched) waiter.resolve(line);
  }
}
