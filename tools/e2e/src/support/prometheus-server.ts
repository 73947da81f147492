import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { artifactsDir, freePort } from '@fluxo/e2e-harness';

const ARTIFACTS_DIR = artifactsDir('e2e');

/** Debian's `prometheus` package (`apt-get install prometheus`; .ci/run installs it). */
const PROMETHEUS_BINARY = process.env['FLUXO_PROMETHEUS'] ?? '/usr/bin/prometheus';

export interface ScrapeTarget {
  readonly job: string;
  /** `host:port` of the app's metrics endpoint. */
  readonly address: string;
}

export interface PrometheusOptions {
  readonly targets: readonly ScrapeTarget[];
  /** Rule files to load (absolute paths), e.g. docs/observability/alerts.yml. */
  readonly ruleFiles?: readonly string[];
  /** Scrape and rule evaluation interval. Default 1s. */
  readonly interval?: string;
  readonly label: string;
}

export interface Sample {
  readonly metric: Record<string, string>;
  readonly value: number;
}

/**
 * A real Prometheus server for one test: its own config, a temp TSDB, a free loopback port. Queries
 * go through its HTTP API (`/api/v1/query`, `/query_range`, `/rules`, `/alerts`). `close()` stops
 * it (SIGTERM) and removes its folder.
 */
export class PrometheusServer {
  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly url: string,
  ) {}

  static async start(options: PrometheusOptions): Promise<PrometheusServer> {
    if (!existsSync(PROMETHEUS_BINARY)) {
      throw new Error(`Prometheus is not installed at ${PROMETHEUS_BINARY}: apt-get install -y prometheus (or set FLUXO_PROMETHEUS)`);
    }
    const dir = await mkdtemp(join(tmpdir(), `fluxo-prometheus-${options.label}-`));
    const interval = options.interval ?? '1s';
    const config = [
      'global:',
      `  scrape_interval: ${interval}`,
      `  scrape_timeout: ${interval}`,
      `  evaluation_interval: ${interval}`,
      ...(options.ruleFiles === undefined || options.ruleFiles.length === 0 ? [] : ['rule_files:', ...options.ruleFiles.map((file) => `  - ${JSON.stringify(file)}`)]),
      'scrape_configs:',
      ...options.targets.flatMap((target) => [`  - job_name: ${JSON.stringify(target.job)}`, '    static_configs:', `      - targets: [${JSON.stringify(target.address)}]`]),
      '',
    ].join('\n');
    await writeFile(join(dir, 'prometheus.yml'), config);
    const port = await freePort();
    await mkdir(ARTIFACTS_DIR, { recursive: true });
    const log = createWriteStream(join(ARTIFACTS_DIR, `${options.label}-prometheus.log`), { flags: 'a' });
    const child = spawn(
      PROMETHEUS_BINARY,
      [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    const server = new PrometheusServer(child, dir, `http://127.0.0.1:${port}`);
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}; see test-artifacts/e2e/${options.label}-prometheus.log`);
      const ready = await fetch(`${server.url}/-/ready`).then((r) => r.ok, () => false);
      if (ready) return server;
      if (Date.now() > deadline) throw new Error('prometheus did not become ready within 60 s');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** An instant query; the vector's samples. */
  async query(promql: string): Promise<Sample[]> {
    const data = await this.api<{ resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] }>('query', { query: promql });
    if (data.resultType !== 'vector') throw new Error(`${promql}: expected a vector, got ${data.resultType}`);
    return data.result.map((entry) => ({ metric: entry.metric, value: Number(entry.value[1]) }));
  }

  /** The single value of an instant query, or undefined when the vector is empty. */
  async value(promql: string): Promise<number | undefined> {
    const samples = await this.query(promql);
    if (samples.length > 1) throw new Error(`${promql}: expected one sample, got ${samples.length}`);
    return samples[0]?.value;
  }

  /** A range query: each series' values, oldest first. */
  async range(promql: string, startSeconds: number, endSeconds: number, stepSeconds = 1): Promise<{ metric: Record<string, string>; values: number[] }[]> {
    const data = await this.api<{ result: { metric: Record<string, string>; values: [number, string][] }[] }>('query_range', {
      query: promql,
      start: String(startSeconds),
      end: String(endSeconds),
      step: String(stepSeconds),
    });
    return data.result.map((entry) => ({ metric: entry.metric, values: entry.values.map(([, v]) => Number(v)) }));
  }

  async rules(): Promise<{ name: string; health: string; state?: string; type: string }[]> {
    const data = await this.api<{ groups: { rules: { name: string; health: string; state?: string; type: string }[] }[] }>('rules', {});
    return data.groups.flatMap((group) => group.rules);
  }

  async alerts(): Promise<{ labels: Record<string, string>; state: string }[]> {
    return (await this.api<{ alerts: { labels: Record<string, string>; state: string }[] }>('alerts', {})).alerts;
  }

  async close(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      await exited;
    }
    await rm(this.dir, { recursive: true, force: true });
  }

  private async api<T>(endpoint: string, params: Record<string, string>): Promise<T> {
    const response = await fetch(`${this.url}/api/v1/${endpoint}?${new URLSearchParams(params).toString()}`);
    const body = (await response.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`prometheus ${endpoint} ${JSON.stringify(params)}: ${body.error ?? response.status}`);
    return body.data;
  }
}
