import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { WORKSPACE_ROOT } from '@fluxo/e2e-harness';

const run = promisify(execFile);
const CLI = join(WORKSPACE_ROOT, 'tools', 'local-spark', 'spark.mjs');

/**
 * A Spark Connect server of the test's own (not the run's shared one), so the test may stop and
 * start it: tools/local-spark's CLI on a fixed port and token, so a client's `sc://` address stays
 * valid across restarts. The port is 39552 + FLUXO_TEST_PORT_OFFSET.
 */
export class OwnSparkServer {
  readonly port = 39552 + Number(process.env['FLUXO_TEST_PORT_OFFSET'] ?? 0);
  readonly token = randomBytes(18).toString('base64url');

  private constructor(private readonly dataDir: string) {}

  static async create(): Promise<OwnSparkServer> {
    return new OwnSparkServer(await mkdtemp(join(tmpdir(), 'fluxo-e2e-spark-')));
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
