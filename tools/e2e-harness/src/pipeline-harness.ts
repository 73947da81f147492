import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFileReference, silentLogger, type FileReference, type S3LakeStorage } from '@fluxo/schema';
import { deleteTopics, ensureTopics, type FluxoKafka, type KafkaSettings } from '@fluxo/kafka-client';
import { deleteGroups, readAll, testKafka, uniqueName } from '@fluxo/kafka-client/testing';
import { ParquetEngine, S3Lake } from '@fluxo/parquet-io';
import { LAKEHOUSE_EXTENSIONS, Lakehouse, LakehouseError, parseCatalogLocation, type CatalogLocation } from '@fluxo/lakehouse';
import { testExtensionDirectory } from '@fluxo/lakehouse/testing';
import { startReplayServer, type ReplayServer, type ReplayServerOptions } from '@fluxo/replay-api';
import { AppProcess } from './app-process';

export interface CuratedCounts {
  readonly rows: number;
  readonly versions: number;
  readonly events: number;
}

export interface PipelineHarnessOptions {
  readonly replay?: Omit<ReplayServerOptions, 'logger'>;
  /** Overrides of the test broker's settings, e.g. `{ brokers }` of another cluster. */
  readonly kafka?: Partial<KafkaSettings>;
  /** Partitions of the topics, which the harness creates (default 2). */
  readonly partitions?: number;
  /** A `FLUXO_CATALOG` value (e.g. a PostgreSQL one) instead of the test folder's SQLite file. */
  readonly catalog?: string;
  /** Puts the lake on S3-compatible storage (FLUXO_LAKE_ROOT=s3://…). */
  readonly s3?: S3LakeStorage;
  /** Where the apps' logs go: test-artifacts/<suite> (default `e2e`). */
  readonly suite?: string;
}

/**
 * One isolated pipeline for one test: its own topics, consumer group, lake and state folders, a
 * replay server on an ephemeral port, and the built ingest/normalizer apps as processes, all
 * pointed at the run's real Kafka broker. `close()` stops every process it started (also those
 * given to `track`) and removes everything it made. Used by tools/e2e and the dashboard's browser tests.
 */
export class PipelineHarness {
  readonly apps: AppProcess[] = [];
  private restarts = 0;
  private lakehouse: Lakehouse | undefined;

  private constructor(
    readonly label: string,
    readonly kafka: FluxoKafka,
    readonly engine: ParquetEngine,
    readonly replay: ReplayServer,
    readonly dir: string,
    readonly topics: { readonly raw: string; readonly curated: string; readonly deadLetter: string },
    readonly groupId: string,
    /** Partitions of the pipeline's topics. */
    readonly partitions: number,
    /** `FLUXO_CATALOG` of the apps; undefined: an SQLite file in the test folder. */
    private readonly catalog: string | undefined,
    readonly suite: string,
    /** The lake on S3-compatible storage the apps are pointed at (FLUXO_LAKE_ROOT), when the test asked for one. */
    readonly s3?: { readonly storage: S3LakeStorage; readonly lake: S3Lake },
  ) {}

  static async create(label: string, options: PipelineHarnessOptions = {}): Promise<PipelineHarness> {
    const kafka = testKafka(silentLogger, options.kafka);
    const prefix = uniqueName(`e2e-${label}`);
    const topics = { raw: `${prefix}.raw-files`, curated: `${prefix}.curated-files`, deadLetter: `${prefix}.dead-letter` };
    const partitions = options.partitions ?? 2;
    await ensureTopics(kafka, Object.values(topics).map((topic) => ({ topic, numPartitions: partitions })));
    const dir = await mkdtemp(join(tmpdir(), `fluxo-e2e-${label}-`));
    const replay = await startReplayServer({ port: 0, advance: 'per-request', ...options.replay, logger: silentLogger });
    const extensions = options.s3 === undefined ? LAKEHOUSE_EXTENSIONS : [...LAKEHOUSE_EXTENSIONS, 'httpfs'];
    const engine = await ParquetEngine.open({ logger: silentLogger, threads: 1, memoryLimitMb: 256, extensions, extensionDirectory: testExtensionDirectory() });
    const s3 = options.s3 === undefined ? undefined : { storage: options.s3, lake: await S3Lake.open(engine, options.s3) };
    return new PipelineHarness(label, kafka, engine, replay, dir, topics, `${prefix}-normalizer`, partitions, options.catalog, options.suite ?? 'e2e', s3);
  }

  /** The pipeline's table catalog when it is the default SQLite file in the test folder. */
  get catalogPath(): string {
    return join(this.dir, 'catalog', 'fluxo.sqlite');
  }

  private get catalogLocation(): CatalogLocation {
    return this.catalog === undefined ? { kind: 'sqlite', path: this.catalogPath } : parseCatalogLocation(this.catalog);
  }

  /**
   * The curated tables, read-only, as the dashboard reads them (`fluxo.main.<dataset>`); null until
   * the normalizer has created the catalog.
   */
  async tables(): Promise<Lakehouse | null> {
    if (this.lakehouse !== undefined) return this.lakehouse;
    const catalog = this.catalogLocation;
    if (catalog.kind === 'sqlite' && !existsSync(catalog.path)) return null;
    try {
      this.lakehouse = await Lakehouse.attach({ engine: this.engine, catalog, dataPath: this.s3?.lake.curatedDataPath ?? join(this.lakeDir, 'curated'), logger: silentLogger, readOnly: true });
    } catch (error) {
      // The normalizer created the file but not DuckLake's tables in it yet (or is still creating it): not there yet.
      if (error instanceof LakehouseError && error.code === 'ATTACH_FAILED') return null;
      if (error instanceof Error && /Existing DuckLake .* does not exist/.test(error.message)) return null;
      throw error;
    }
    return this.lakehouse;
  }

  /** `SELECT <select> FROM fluxo.main.<table> <rest>` on the current snapshot; `[]` before the table exists. */
  async queryTable<T extends object>(table: string, select: string, rest = ''): Promise<T[]> {
    for (let attempt = 1; ; attempt += 1) {
      const tables = await this.tables();
      if (tables === null) return [];
      try {
        return await this.engine.all<T>(`SELECT ${select} FROM ${tables.table(table)} ${rest}`);
      } catch (error) {
        const text = error instanceof Error ? error.message : String(error);
        if (/does not exist/i.test(text)) return []; // not created yet
        // The normalizer is committing (SQLite lock), or with a zero deletion grace it deleted a file of
        // the snapshot this query started on: read the current snapshot again.
        if (!/locked|no such file|cannot open file/i.test(text) || attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  get lakeDir(): string {
    return join(this.dir, 'lake');
  }

  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      FLUXO_KAFKA_BROKERS: this.kafka.brokers.join(','),
      FLUXO_LAKE_DIR: this.lakeDir,
      FLUXO_CATALOG: this.catalog ?? `sqlite:${this.catalogPath}`,
      FLUXO_DUCKDB_EXTENSION_DIR: testExtensionDirectory(),
      FLUXO_STATE_DIR: join(this.dir, 'state'),
      FLUXO_SOURCE_BASE_URL: this.replay.url,
      FLUXO_TOPIC_RAW_FILES: this.topics.raw,
      FLUXO_TOPIC_CURATED_FILES: this.topics.curated,
      FLUXO_TOPIC_DEAD_LETTER: this.topics.deadLetter,
      FLUXO_TOPIC_PARTITIONS: String(this.partitions),
      FLUXO_NORMALIZER_GROUP: this.groupId,
      FLUXO_HTTP_RETRY_BASE_DELAY_MS: '50',
      FLUXO_RETRY_BASE_DELAY_MS: '200',
      FLUXO_LOG_LEVEL: 'debug',
      // Tests that scrape pick a free port; the others serve no endpoint (no clash between concurrent apps).
      FLUXO_METRICS_PORT: '0',
      ...(this.s3 === undefined ? {} : s3Env(this.s3.storage)),
      ...extra,
    };
  }

  async startIngest(sources: string, extra: Record<string, string> = {}): Promise<AppProcess> {
    return this.startApp('ingest', this.env({ FLUXO_SOURCES: sources, ...extra }));
  }

  /** The streaming producer, with its own state folder, following `streams` on the replay server. */
  async startStreamIngest(streams = 'wikimedia-recentchange', extra: Record<string, string> = {}): Promise<AppProcess> {
    const env = this.env({ FLUXO_STREAMS: streams, FLUXO_STATE_DIR: join(this.dir, 'stream-state'), FLUXO_RECONNECT_BASE_DELAY_MS: '50', ...extra });
    return this.startApp('stream-ingest', env);
  }

  async startNormalizer(extra: Record<string, string> = {}): Promise<AppProcess> {
    return this.startApp('normalizer', this.env(extra));
  }

  /** Rows, distinct (event_id, updated_at) versions and distinct events in curated `earthquakes` (or another dataset of that schema). */
  async curatedEarthquakes(dataset = 'earthquakes'): Promise<CuratedCounts> {
    const [row] = await this.queryTable<CuratedCounts>(
      dataset,
      'count(*)::INTEGER AS rows, count(DISTINCT (event_id, updated_at))::INTEGER AS versions, count(DISTINCT event_id)::INTEGER AS events',
    );
    return row ?? { rows: 0, versions: 0, events: 0 };
  }

  /** Rows of any curated dataset (0 before its first file). */
  async curatedCount(dataset: string): Promise<number> {
    const [row] = await this.curatedRows<{ rows: number }>(dataset, 'count(*)::INTEGER AS rows');
    return row?.rows ?? 0;
  }

  /** `SELECT <select> FROM` a curated table (`[]` before it exists). */
  curatedRows<T extends object>(dataset: string, select: string, rest = ''): Promise<T[]> {
    return this.queryTable<T>(dataset, select, rest);
  }

  async references(topic: 'raw' | 'curated'): Promise<FileReference[]> {
    return (await readAll(this.kafka, this.topics[topic])).map((message) => parseFileReference(message.value));
  }

  async deadLetters(): Promise<Record<string, unknown>[]> {
    return (await readAll(this.kafka, this.topics.deadLetter)).map((message) => JSON.parse(message.value.toString('utf8')) as Record<string, unknown>);
  }

  async close(): Promise<void> {
    await Promise.all(this.apps.map((app) => app.stop()));
    await this.replay.close();
    await deleteGroups(this.kafka, [this.groupId]);
    await deleteTopics(this.kafka, Object.values(this.topics));
    await this.lakehouse?.close();
    await this.engine.close();
    await rm(this.dir, { recursive: true, force: true });
  }

  /** Stops `app` with the pipeline's own processes on `close()`. */
  track(app: AppProcess): AppProcess {
    this.apps.push(app);
    return app;
  }

  private async startApp(app: string, env: Record<string, string>): Promise<AppProcess> {
    return this.track(await AppProcess.start(app, env, this.nextLabel(app), this.suite));
  }

  private nextLabel(app: string): string {
    this.restarts += 1;
    return `${this.label}-${app}-${this.restarts}`;
  }
}

/** The apps' settings for a lake on S3-compatible storage (the credentials through the standard AWS variables). */
function s3Env(storage: S3LakeStorage): Record<string, string> {
  return {
    FLUXO_LAKE_ROOT: storage.root,
    FLUXO_S3_ENDPOINT: `${storage.useSsl ? 'https' : 'http'}://${storage.endpoint ?? ''}`,
    FLUXO_S3_REGION: storage.region,
    FLUXO_S3_URL_STYLE: storage.urlStyle,
    AWS_ACCESS_KEY_ID: storage.accessKeyId,
    AWS_SECRET_ACCESS_KEY: storage.secretAccessKey,
  };
}
