import { join, resolve } from 'node:path';
import { lakeStorageOf, loadWebConfig, SchemaError, type DefinitionCatalog, type Logger, type WebConfig } from '@fluxo/schema';
import { createKafka, settingsFromConfig } from '@fluxo/kafka-client';
import { LAKEHOUSE_EXTENSIONS, LakehouseError, parseCatalogLocation } from '@fluxo/lakehouse';
import { ParquetEngine, S3Lake } from '@fluxo/parquet-io';
import { createAppLogger } from '@fluxo/metrics';
import { loadDefinitionCatalog } from '@fluxo/definitions';
import { CuratedTables } from './curated-tables';
import { KafkaFeed } from './kafka-feed';
import { LagSampler } from './lag-sampler';
import { LakeData } from './lake-data';
import { LakeHealthReader } from './lake-health';
import { LiveHub } from './live-hub';
import { PipelineMonitor } from './pipeline-monitor';

/** Everything the dashboard's server side holds: one of each per server process. */
export interface WebRuntime {
  readonly config: WebConfig;
  readonly logger: Logger;
  readonly lake: LakeData;
  readonly feed: KafkaFeed;
  readonly monitor: PipelineMonitor;
  readonly hub: LiveHub;
  close(): Promise<void>;
}

const RUNTIME = Symbol.for('fluxo.web.runtime');
type Holder = { [RUNTIME]?: WebRuntime };

/**
 * The process-wide runtime, created on first use. Kept on `globalThis` because Next.js may load this
 * module once per server bundle (pages and route handlers): there must still be one DuckDB instance
 * and one Kafka consumer per process.
 */
export function webRuntime(): WebRuntime {
  const holder = globalThis as Holder;
  holder[RUNTIME] ??= createRuntime(loadWebConfig(process.env));
  return holder[RUNTIME];
}

/** Server start: the runtime, or exit code 2 with every configuration problem listed. */
export function startWebRuntimeOrExit(): void {
  try {
    webRuntime();
  } catch (error) {
    if (!(error instanceof SchemaError) && !(error instanceof LakehouseError && error.code === 'INVALID_CATALOG')) throw error;
    console.error(`fluxo web: ${error.message}`);
    process.exit(2);
  }
}

/**
 * Composition root: config → logger → DuckDB (with the DuckLake extensions) → curated tables (the
 * catalog, attached read-only on first use) and the lake's raw/quarantine files → Kafka (feed, lag) →
 * monitor → live hub. Relative paths in the configuration are resolved against the working directory
 * (the repository root under `npm start`).
 */
function createRuntime(config: WebConfig): WebRuntime {
  const root = createAppLogger('web', config.logLevel);
  const logger: Logger = root;
  const lakeDir = resolve(config.lakeDir);
  const catalogLocation = parseCatalogLocation(config.catalog);
  // With an s3:// lake root the curated tables' files are objects there (read through httpfs with the lake's secret).
  const storage = lakeStorageOf(config);
  let engine: Promise<ParquetEngine> | undefined;
  // A failed open (e.g. extensions not installed yet) is retried by the next request, not kept.
  const openEngine = () =>
    (engine ??= ParquetEngine.open({
      logger,
      threads: config.engineThreads,
      memoryLimitMb: config.engineMemoryLimitMb,
      extensions: storage.kind === 's3' ? [...LAKEHOUSE_EXTENSIONS, 'httpfs'] : LAKEHOUSE_EXTENSIONS,
      extensionDirectory: resolve(config.duckdbExtensionDir),
    })
      .then(async (opened) => {
        if (storage.kind === 's3') await S3Lake.open(opened, storage);
        return opened;
      })
      .catch((error: unknown) => {
        engine = undefined;
        throw error;
      }));
  let catalog: Promise<DefinitionCatalog> | undefined;
  const dataPath = storage.kind === 's3' ? S3Lake.curatedDataPathOf(storage.root) : join(lakeDir, 'curated');
  const tables = new CuratedTables({ engine: openEngine, catalog: catalogLocation, dataPath, logger });
  const lake = new LakeData({
    root: lakeDir,
    engine: openEngine,
    tables,
    objectRoot: storage.kind === 's3' ? storage.root : undefined,
    catalog: () => (catalog ??= loadDefinitionCatalog(config.definitionsDir)),
    // A view over a large, busy table is recomputed at most every 4× its own duration (≤ 20 % of a
    // core), but is never more than 3 s behind its table.
    recomputeBackoff: 4,
    maxStaleMs: 3_000,
  });

  // Fast retries: the dashboard reports a broker that is down instead of waiting for it.
  const kafka = createKafka(
    { ...settingsFromConfig(config), requestTimeoutMs: 5_000, retry: { initialRetryTimeMs: 200, maxRetryTimeMs: 1_000, retries: 1 }, clientLogLevel: 'error' },
    // kafkajs reports every refused connection while the broker is down: keep only errors.
    root.child({ component: 'kafka' }, { level: 'error' }),
  );
  const feed = new KafkaFeed(kafka, { rawFiles: config.topicRawFiles, curatedFiles: config.topicCuratedFiles, deadLetter: config.topicDeadLetter }, logger);
  const lag = new LagSampler(
    kafka,
    [
      { groupId: config.normalizerGroup, topic: config.topicRawFiles, role: 'normalizer', timedByFeed: true },
      { groupId: feed.groupId, topic: config.topicCuratedFiles, role: 'dashboard', timedByFeed: false },
    ],
    feed,
  );
  const monitor = new PipelineMonitor(new LakeHealthReader(lake), lag, feed, config.statusIntervalMs, logger);
  const hub = new LiveHub(lake, monitor, feed, logger);
  feed.start();
  monitor.start();
  logger.info({ lake: lakeDir, catalog: tables.location, brokers: config.kafkaBrokers, normalizerGroup: config.normalizerGroup, feedGroup: feed.groupId }, 'dashboard runtime started');

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      monitor.stop();
      await feed.close();
      await tables.close().catch(() => undefined);
      if (engine !== undefined) await (await engine.catch(() => undefined))?.close();
    })());
  // Leave the consumer group and close DuckDB on shutdown; never hold the process up for long.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      setTimeout(() => process.exit(0), 3_000).unref();
      void close().finally(() => process.exit(0));
    });
  }
  return { config, logger, lake, feed, monitor, hub, close };
}
