import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const WORKSPACE_ROOT = join(__dirname, '..', '..', '..', '..');
export const ARTIFACTS_DIR = join(WORKSPACE_ROOT, 'test-artifacts', 'web');

/** A child process whose output goes to `test-artifacts/web/<label>.log`, with its text kept for assertions. */
export class ChildApp {
  output = '';
  private readonly exited: Promise<number | null>;

  private constructor(
    readonly label: string,
    private readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static async start(label: string, args: readonly string[], env: Record<string, string>): Promise<ChildApp> {
    await mkdir(ARTIFACTS_DIR, { recursive: true });
    const log = createWriteStream(join(ARTIFACTS_DIR, `${label}.log`), { flags: 'a' });
    const child = spawn(process.execPath, [...args], { cwd: WORKSPACE_ROOT, env: { NODE_ENV: 'production', PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const app = new ChildApp(label, child);
    const onData = (chunk: Buffer) => {
      log.write(chunk);
      app.output = (app.output + chunk.toString('utf8')).slice(-200_000);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', () => log.end());
    return app;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async stop(): Promise<number | null> {
    if (this.running) this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}

/** A TCP port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Polls until `read` gives a value `done` accepts; fails with the last value. */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, description: string, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let value: T | undefined;
    let failure: unknown;
    try {
      value = await read();
      if (done(value)) return value;
    } catch (error) {
      failure = error;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${description}; last value: ${JSON.stringify(value)} ${failure === undefined ? '' : String(failure)}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}
