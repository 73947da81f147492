import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

export const WORKSPACE_ROOT = join(__dirname, '..', '..', '..', '..');
export const ARTIFACTS_DIR = join(WORKSPACE_ROOT, 'test-artifacts', 'e2e');

/** A log line an app printed (pino JSON), parsed. */
export type LogLine = Record<string, unknown> & { readonly msg?: string; readonly level?: number };

/**
 * One built app (`dist/apps/<app>/main.cjs`) running as a real process, its JSON log kept in
 * memory for assertions and on disk under test-artifacts/e2e for post-mortems.
 */
export class AppProcess {
  readonly lines: LogLine[] = [];
  private readonly exited: Promise<number | null>;
  private waiters: { predicate: (line: LogLine) => boolean; resolve: (line: LogLine) => void }[] = [];

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    private readonly log: WriteStream,
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

  static async start(app: string, env: Record<string, string>, label = app): Promise<AppProcess> {
    await mkdir(ARTIFACTS_DIR, { recursive: true });
    const log = createWriteStream(join(ARTIFACTS_DIR, `${label}.log`), { flags: 'a' });
    const child = spawn(process.execPath, [join(WORKSPACE_ROOT, 'dist', 'apps', app, 'main.cjs')], {
      env: { PATH: process.env['PATH'] ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new AppProcess(label, child, log);
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
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    return this.finish();
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
