import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, WORKSPACE_ROOT } from '@fluxo/e2e-harness';

const run = promisify(execFile);
const CLI = join(WORKSPACE_ROOT, 'tools', 'local-spark', 'spark.mjs');

/**
 * A Spark Connect server of the test's own (not the run's shared one), so the test may stop and
 * start it: tools/local-spark's CLI on one port and token for its whole life, so a client's `sc://`
 * address stays valid across restarts. The port is a free one the OS picks when it is created (a fixed
 * port can be taken by any client's ephemeral port on a busy machine).
 */
export class OwnSparkServer {
  readonly token = randomBytes(18).toString('base64url');

  private constructor(
    private readonly dataDir: string,
    readonly port: number,
  ) {}

  static async create(): Promise<OwnSparkServer> {
    return new OwnSparkServer(await mkdtemp(join(tmpdir(), 'fluxo-e2e-spark-')), await freePort());
  }

  get remote(): string {
    return `sc://127.0.0.1:${this.port}/;token=${this.token};use_ssl=false`;
  }

  /** Starts it and resolves once it answers `SELECT 1`; resolves with how long that took (ms). */
  async start(): Promise<number> {
    const started = Date.now();
    await run(process.execPath, [CLI, 'start', '--port', String(this.port), '--data-dir', this.dataDir, '--token', this.token], { timeout: 400_000 });
    return Date.now() - started;
  }

  async stop(): Promise<void> {
    await run(process.execPath, [CLI, 'stop', '--data-dir', this.dataDir], { timeout: 120_000 });
  }

  async close(): Promise<void> {
    await this.stop();
    await rm(this.dataDir, { recursive: true, force: true });
  }
}
