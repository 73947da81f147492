import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createKafka, waitForCluster, type FluxoKafka } from '@fluxo/kafka-client';
import { silentLogger } from '@fluxo/schema';
import { startReplayServer, type FaultSpec, type ReplayServer } from '@fluxo/replay-api';
import { Supervisor, type ServiceExit } from '@fluxo/supervisor';

export type AppName = 'normalizer' | 'ingest' | 'stream-ingest';
export const APPS: readonly AppName[] = ['normalizer', 'ingest', 'stream-ingest'];
const BROKER = 'broker';

/** One log line of an app (pino JSON), parsed only when a listener wants it. */
export type AppLine = Record<string, unknown> & { readonly msg?: string };
type LineListener = (line: AppLine) => void;

export interface SoakPipelineOptions {
  /** The repository: built apps in dist/, the broker launcher, the replay fixtures. */
  readonly root: string;
  /** A fresh folder for this run: lake, catalog, state, broker data, logs. */
  readonly dir: string;
  readonly log: (message: string) => void;
  /** Pace of the replayed Wikimedia stream. */
  readonly streamEventsPerSecond: number;
  /** Faults queued on the replay server before any app starts. */
  readonly initialFaults?: readonly FaultSpec[];
}

/** Sources the soak polls: the USGS day feed (6 recorded polls) and the weather forecast (295). */
const SOAK_SOURCES = 'usgs-earthquakes?feed=all_day&intervalMs=6000,open-meteo-forecast?intervalMs=2500';
/** Lines over this many bytes are dead-lettered by stream-ingest (OVERSIZED_LINE). */
export const SOAK_MAX_LINE_BYTES = 65_536;

/**
 * The whole pipeline of one soak run, on loopback only: a Kafka broker of its own (free ports, its
 * own data folder), the replay server in this process, and the built apps — ingest, stream-ingest,
 * normalizer — each under the supervisor (tools/supervisor), which restarts what dies. The soak
 * kills through the supervisor, as an outside crash would, and watches the apps' JSON logs.
 */
export class SoakPipeline {
  /** Pipelines of this process still running: what an interrupted soak must not leave behind. */
  private static readonly live = new Set<SoakPipeline>();
  private readonly listeners = new Map<string, Set<LineListener>>();
  private readonly logs = new Map<string, WriteStream>();
  /** The last error-level line of each process, to explain an exit nobody asked for. */
  private readonly lastError = new Map<string, string>();

  private constructor(
    readonly options: SoakPipelineOptions,
    readonly supervisor: Supervisor,
    readonly replay: ReplayServer,
    readonly brokers: string,
    readonly kafka: FluxoKafka,
  ) {}

  static async start(options: SoakPipelineOptions): Promise<SoakPipeline> {
    const { root, dir } = options;
    await mkdir(join(dir, 'logs'), { recursive: true });
    const [port, controllerPort] = await freePorts(2);
    const brokers = `127.0.0.1:${port}`;
    const supervisor = new Supervisor({
      log: (message) => options.log(`supervisor: ${message}`),
      policy: { initialDelayMs: 200, maxDelayMs: 3_000, multiplier: 2, stableAfterMs: 15_000 },
    });
    const replay = await startReplayServer({
      port: 0,
      advance: 'per-request',
      fixturesDir: join(root, 'tools', 'replay-api', 'fixtures'),
      sse: { eventsPerSecond: options.streamEventsPerSecond, heartbeatMs: 1_000 },
      faults: [...(options.initialFaults ?? [])],
      logger: silentLogger,
    });
    const kafka = createKafka({ brokers: [brokers], clientId: 'fluxo-soak', connectionTimeoutMs: 3_000, requestTimeoutMs: 15_000, retry: { initialRetryTimeMs: 200, maxRetryTimeMs: 2_000, retries: 3 } }, silentLogger);
    const pipeline = new SoakPipeline(options, supervisor, replay, brokers, kafka);
    SoakPipeline.live.add(pipeline);
    supervisor.on('exit', (name: string, exit: ServiceExit) => {
      if (exit.code !== null && exit.code !== 0) options.log(`${name} exited with code ${exit.code}; its last error: ${pipeline.lastError.get(name) ?? '(none logged)'}`);
    });
    supervisor.add({
      name: BROKER,
      command: process.execPath,
      args: [join(root, 'tools', 'local-kafka', 'kafka.mjs'), 'start', '--foreground', '--port', String(port), '--controller-port', String(controllerPort), '--data-dir', join(dir, 'kafka')],
      cwd: root,
      env: { ...process.env },
      stopGraceMs: 45_000,
      output: (line) => pipeline.accept(BROKER, line),
    });
    await pipeline.waitForBroker();
    for (const app of APPS) pipeline.startApp(app);
    return pipeline;
  }

  get lakeDir(): string {
    return join(this.options.dir, 'lake');
  }

  get catalogPath(): string {
    return join(this.options.dir, 'catalog', 'fluxo.sqlite');
  }

  /** Calls `listener` with every line `app` prints from now on; returns the unsubscribe. */
  onLine(app: string, listener: LineListener): () => void {
    let set = this.listeners.get(app);
    if (set === undefined) this.listeners.set(app, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Resolves with the first line `app` prints from now on that `match` accepts, or null after `deadlineMs`. */
  nextLine(app: string, match: (line: AppLine) => boolean, deadlineMs: number): Promise<AppLine | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        off();
        resolve(null);
      }, deadlineMs);
      const off = this.onLine(app, (line) => {
        if (!match(line)) return;
        clearTimeout(timer);
        off();
        resolve(line);
      });
    });
  }

  /** Resolves when the supervisor next reports `event` for `name` (spawn, exit, stopped…), or rejects after `deadlineMs`. */
  nextEvent(event: 'spawn' | 'exit' | 'stopped', name: string, deadlineMs: number): Promise<ServiceExit | number | undefined> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.supervisor.off(event, listener);
        reject(new Error(`${name}: no ${event} within ${deadlineMs} ms (state ${this.supervisor.status(name).state})`));
      }, deadlineMs);
      const listener = (service: string, detail?: ServiceExit | number) => {
        if (service !== name) return;
        clearTimeout(timer);
        this.supervisor.off(event, listener);
        resolve(detail);
      };
      this.supervisor.on(event, listener);
    });
  }

  /** Waits until the broker answers metadata requests (after a start or a restart). */
  async waitForBroker(timeoutMs = 180_000): Promise<void> {
    await waitForCluster(this.kafka, { timeoutMs, intervalMs: 500 });
  }

  /** SIGKILL, as a crash: the supervisor restarts the app; resolves once it runs again. */
  async killApp(app: AppName, deadlineMs = 120_000): Promise<void> {
    const respawned = this.nextEvent('spawn', app, deadlineMs);
    if (!this.supervisor.kill(app, 'SIGKILL')) {
      respawned.catch(() => undefined);
      return; // not running at this instant (backing off after a crash): nothing to kill
    }
    await respawned;
  }

  /** A clean stop and start (new connection, flush): what an operator's restart does. */
  async restartApp(app: AppName, deadlineMs = 120_000): Promise<void> {
    await this.supervisor.stopService(app);
    const spawned = this.nextEvent('spawn', app, deadlineMs);
    this.supervisor.restartService(app);
    await spawned;
  }

  async stopApp(app: AppName): Promise<void> {
    await this.supervisor.stopService(app);
  }

  /** A clean broker restart (SIGTERM: controlled shutdown), then waits until it answers again. */
  async restartBroker(): Promise<void> {
    await this.supervisor.stopService(BROKER);
    this.supervisor.restartService(BROKER);
    await this.waitForBroker();
  }

  /** SIGKILL of the broker (its launcher and JVM); the supervisor starts it again; waits until it answers. */
  async killBroker(deadlineMs = 120_000): Promise<void> {
    const respawned = this.nextEvent('spawn', BROKER, deadlineMs);
    if (!this.supervisor.kill(BROKER, 'SIGKILL')) respawned.catch(() => undefined);
    else await respawned;
    await this.waitForBroker();
  }

  /** Apps the supervisor gave up on (an exit code that means "would fail again"): always a failed soak. */
  failedServices(): string[] {
    return [BROKER, ...APPS].filter((name) => this.supervisor.status(name).state === 'failed');
  }

  /** Ctrl-C: SIGKILL every process of every live pipeline (their folders are temporary). */
  static killAll(): void {
    for (const pipeline of SoakPipeline.live) pipeline.supervisor.killAll();
  }

  async close(): Promise<void> {
    SoakPipeline.live.delete(this);
    await this.supervisor.stop();
    await this.replay.close();
    await Promise.all([...this.logs.values()].map((stream) => new Promise((resolve) => stream.end(resolve))));
  }

  private startApp(app: AppName): void {
    const { dir, root } = this.options;
    const common: Record<string, string> = {
      PATH: process.env['PATH'] ?? '',
      FLUXO_KAFKA_BROKERS: this.brokers,
      FLUXO_LAKE_DIR: this.lakeDir,
      FLUXO_CATALOG: `sqlite:${this.catalogPath}`,
      FLUXO_DUCKDB_EXTENSION_DIR: process.env['FLUXO_DUCKDB_EXTENSION_DIR'] ?? join(root, '.fluxo', 'duckdb-extensions'),
      FLUXO_SOURCE_BASE_URL: this.replay.url,
      FLUXO_TOPIC_PARTITIONS: '2',
      FLUXO_LOG_LEVEL: 'debug',
      // no metrics endpoint: its fixed default ports would collide with an `npm start` or another soak on the machine
      FLUXO_METRICS_PORT: '0',
    };
    const perApp: Record<AppName, Record<string, string>> = {
      normalizer: {
        FLUXO_RETRY_BASE_DELAY_MS: '200',
        FLUXO_ENGINE_THREADS: '1',
        FLUXO_MAINTENANCE_INTERVAL_MS: '20000',
        FLUXO_FILE_DELETION_GRACE_MS: '5000',
        FLUXO_SNAPSHOT_RETENTION_MS: '10000',
      },
      ingest: { FLUXO_SOURCES: SOAK_SOURCES, FLUXO_STATE_DIR: join(dir, 'state'), FLUXO_HTTP_RETRY_BASE_DELAY_MS: '50', FLUXO_HTTP_RETRY_LIMIT: '2' },
      'stream-ingest': {
        FLUXO_STREAMS: 'wikimedia-recentchange',
        FLUXO_STATE_DIR: join(dir, 'stream-state'),
        FLUXO_RECONNECT_BASE_DELAY_MS: '50',
        FLUXO_BATCH_MAX_ROWS: '150',
        FLUXO_BATCH_MAX_AGE_MS: '1000',
        FLUXO_IDLE_FLUSH_MS: '300',
        FLUXO_STALL_TIMEOUT_MS: '3000',
        FLUXO_STATS_INTERVAL_MS: '0',
        FLUXO_STREAM_MAX_LINE_BYTES: String(SOAK_MAX_LINE_BYTES),
      },
    };
    this.supervisor.add({
      name: app,
      command: process.execPath,
      args: [join(root, 'dist', 'apps', app, 'main.cjs')],
      cwd: dir,
      env: { ...common, ...perApp[app] },
      stopGraceMs: 30_000,
      output: (line) => this.accept(app, line),
    });
  }

  private accept(name: string, text: string): void {
    let log = this.logs.get(name);
    if (log === undefined) this.logs.set(name, (log = createWriteStream(join(this.options.dir, 'logs', `${name}.log`), { flags: 'a' })));
    log.write(`${text}\n`);
    if (text.includes('"level":50') || text.includes('"level":60') || (!text.startsWith('{') && /error|failed/i.test(text))) this.lastError.set(name, text.slice(0, 600));
    const listeners = this.listeners.get(name);
    if (listeners === undefined || listeners.size === 0) return;
    let line: AppLine;
    try {
      line = JSON.parse(text) as AppLine;
    } catch {
      line = { msg: text };
    }
    for (const listener of [...listeners]) listener(line);
  }
}

/** Ports nobody listens on right now (the OS hands out ephemeral ones), on loopback. */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve(server));
    })),
  );
  const ports = servers.map((server) => {
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return address.port;
  });
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}
