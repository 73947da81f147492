import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import {
  curatedTableSpecs,
  describeError,
  lakeStorageOf,
  loadNormalizerConfig,
  NORMALIZER_SETTINGS,
  redactConfig,
  SchemaError,
  type DefinitionCatalog,
  type NormalizerConfig,
} from '@fluxo/schema';
import { createKafka, ensureTopics, ReferenceConsumer, ReferenceProducer, retryUntilReady, settingsFromConfig, unprocessedByAll, waitForCluster, type PartitionPosition } from '@fluxo/kafka-client';
import { createAppLogger, directoryWritableCheck, measuredAnnouncer, PipelineMetrics, startObservability } from '@fluxo/metrics';
import { Lake, ParquetEngine, S3Lake, S3LakeObjects, S3RawZone } from '@fluxo/parquet-io';
import { DefinitionWatcher } from '@fluxo/definitions';
import { catalogExtensions, ConsumedRawFiles, ConsumerProgress, Lakehouse, LocalRawZone, maintain, parseCatalogLocation, RawRetention, type MaintenancePolicy, type TableSpec } from '@fluxo/lakehouse';
import { assertNoLegacyLayout, BatchHandler, CuratedAnnouncer, curateEngineFromConfig, DeadLetters } from '@fluxo/curation';
import { commitObserverFromConfig } from './lineage/lineage-from-config';
import { MaintenanceLoop } from './maintain/maintenance-loop';
import { NormalizerMetrics } from './observe/normalizer-metrics';

const VERSION = '0.2.0';

/** Composition root: configuration → logger → lake, engine, catalog, Kafka → the batch handler. */
async function main(): Promise<void> {
  const config = loadNormalizerConfig(process.env);
  const logger = createAppLogger('normalizer', config.logLevel);
  logger.info({ config: redactConfig(config, NORMALIZER_SETTINGS) }, 'starting normalizer');
  const stopping = new AbortController();
  // First: /healthz answers and /readyz says why not ready while the rest starts (docs/observability.md).
  await using observability = await startObservability({ app: 'normalizer', version: VERSION, host: config.metricsHost, port: config.metricsPort, logger });
  const { registry, readiness } = observability;
  let positions: () => readonly PartitionPosition[] = () => [];
  const metrics = new NormalizerMetrics(registry, { group: config.groupId, positions: () => positions() });

  // Followed while running: added and changed definitions apply from the next batch on. A removed
  // source's last files may be announced after its removal: its definition is kept to curate them.
  // Every definition must compile for the configured engine (an `expr` needs a form for it).
  await using definitions = await DefinitionWatcher.open({ dir: config.definitionsDir, intervalMs: config.definitionsScanIntervalMs, engine: config.engine, logger });
  const curating = { catalog: definitions.catalog, refresh: () => definitions.check() };
  definitions.onChange(({ catalog }) => void (curating.catalog = catalog.keepingRemovedSourcesOf(curating.catalog)));
  const lake = await Lake.open(config.lakeDir);
  const storage = lakeStorageOf(config);
  readiness.add(directoryWritableCheck('lake', lake.root));
  await assertNoLegacyLayout(lake);
  const catalogLocation = parseCatalogLocation(config.catalog);
  await using engine = await ParquetEngine.open({
    logger,
    threads: config.engineThreads,
    memoryLimitMb: config.engineMemoryLimitMb,
    extensions: storage.kind === 's3' ? [...catalogExtensions(catalogLocation), 'httpfs'] : catalogExtensions(catalogLocation),
    extensionDirectory: resolve(config.duckdbExtensionDir),
  });
  // With an s3:// lake root, raw and curated files are objects there; quarantine stays in the local lake.
  const s3Lake = storage.kind === 's3' ? await S3Lake.open(engine, storage) : undefined;
  await using lakehouse = await Lakehouse.attach({ engine, catalog: catalogLocation, dataPath: s3Lake?.curatedDataPath ?? join(lake.root, 'curated'), logger });
  // DuckDB may touch only the lake and the catalog's folder from now on (a PostgreSQL catalog must be attached first).
  await engine.restrictFileAccess({
    allowedDirectories: [lake.root, ...(s3Lake === undefined ? [] : [s3Lake.sandboxPrefix]), ...(catalogLocation.kind === 'sqlite' ? [dirname(catalogLocation.path)] : [])],
  });
  // A commit in the last 30 s proves the catalog answers; otherwise ask it (queued behind a running commit).
  readiness.add({
    name: 'catalog',
    timeoutMs: 15_000,
    check: async () => {
      if (Date.now() - (metrics.lastCommitAtMs ?? 0) >= 30_000) await lakehouse.currentSnapshot();
    },
  });
  const progress = new ConsumerProgress(lakehouse);
  await progress.ensure();
  const consumed = new ConsumedRawFiles(lakehouse);
  await consumed.ensure();
  const kafka = createKafka(settingsFromConfig(config), logger);
  readiness.add({ name: 'kafka', check: async () => void (await kafka.describeCluster()) });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stopping.abort());
  const topics = [config.topicRawFiles, config.topicCuratedFiles, config.topicDeadLetter];
  const waiting = { signal: stopping.signal, logger, what: `Kafka (${config.kafkaBrokers.join(',')}) and topics ${topics.join(', ')}` };
  await using producer = await retryUntilReady(async () => {
    await waitForCluster(kafka, { signal: stopping.signal, timeoutMs: 30_000 });
    await ensureTopics(kafka, topics.map((topic) => ({ topic, numPartitions: config.topicPartitions })));
    return ReferenceProducer.connect(kafka, { logger });
  }, waiting);

  const announcements = { files: config.topicCuratedFiles, deadLetter: config.topicDeadLetter };
  const announcer = measuredAnnouncer(producer.announcer(announcements), new PipelineMetrics(registry, 'normalizer'), announcements);
  const { observer, lineage } = commitObserverFromConfig(config, { metrics, lakeRoot: lake.root, catalogAlias: lakehouse.alias, version: VERSION, logger });
  await using _lineage = lineage;
  await using curate = await curateEngineFromConfig(config, { definitions: curating, lake, storage, engine, logger, onAvailability: (available) => metrics.engineAvailable(config.engine, available) });
  // An engine outage (Spark Connect unreachable) is not bad input: batches wait, and /readyz says why.
  readiness.add({
    name: 'engine',
    check: async () => {
      const waiting = curate.waiting();
      if (waiting !== undefined) throw new Error(waiting);
    },
  });
  const identity = { app: 'normalizer', instance: config.instanceId ?? `${hostname()}:${process.pid}`, version: VERSION };
  const handler = new BatchHandler({
    engine,
    curate: curate.engine,
    lake,
    lakehouse,
    progress,
    consumed,
    definitions: curating,
    rawLake: s3Lake,
    announcer: new CuratedAnnouncer({ engine, lake, s3Lake, lakehouse, announcer, producer: identity, logger }),
    deadLetters: new DeadLetters(lake, announcer, logger),
    group: config.groupId,
    limits: { maxRows: config.commitMaxRows, maxBytes: config.commitMaxBytes, maxAgeMs: config.commitMaxAgeMs },
    maxAttempts: config.maxAttempts,
    driftFiles: config.schemaDriftFiles,
    logger,
    observer,
  });
  const rawRetentionGroups = config.rawRetentionGroups ?? [config.groupId];
  // The raw zone is where the raw files are: the S3 lake's objects (deleted with the AWS SDK), or the local lake.
  await using s3Objects = storage.kind === 's3' ? S3LakeObjects.open(storage) : undefined;
  const rawRetention = new RawRetention(
    { zone: s3Objects === undefined ? new LocalRawZone(lake, logger) : new S3RawZone(s3Objects), consumed, pending: () => unprocessedByAll(kafka, config.topicRawFiles, rawRetentionGroups), logger },
    { retentionDays: config.rawRetentionDays, unconsumedGraceDays: config.rawUnconsumedGraceDays, groups: rawRetentionGroups },
  );
  const maintenanceRound = async () => {
    const tables: TableSpec[] = curatedTableSpecs(curating.catalog);
    await maintain(lakehouse, tables, maintenancePolicy(config, tables, curating.catalog), logger);
    await rawRetention.sweep();
  };
  await using maintenance = new MaintenanceLoop(maintenanceRound, config.maintenanceIntervalMs, logger);
  maintenance.start();

  await using consumer = await ReferenceConsumer.connect(kafka, {
    groupId: config.groupId,
    topics: [config.topicRawFiles],
    fromBeginning: true,
    logger,
    retryBackoff: { initialDelayMs: config.retryBaseDelayMs, maxDelayMs: 60_000 },
    // Large enough for a backlog's commit; a live reference is handed over at once, alone.
    maxBytesPerPartition: 8 * 1024 * 1024,
  });
  positions = () => consumer.positions();
  definitions.start();
  const running = consumer.runBatches(
    async (messages, { revoked }) => {
      metrics.consumed(messages);
      await handler.handle(messages, revoked);
    },
    { maxMessages: config.commitMaxFiles },
  );
  readiness.markStarted();
  logger.info(
    { lake: lake.root, catalog: config.catalog, group: config.groupId, topics },
    `normalizer running: curated tables in ${config.catalog} (files under ${lake.root}/curated), references on ${config.topicCuratedFiles}, failures on ${config.topicDeadLetter}`,
  );
  const stopped = new Promise<void>((resolve) => stopping.signal.addEventListener('abort', () => resolve(), { once: true }));
  await Promise.race([running, stopped]);
  logger.info({}, 'stopping normalizer: finishing the commit in flight');
  await consumer.close();
  await running;
}

function maintenancePolicy(config: NormalizerConfig, tables: readonly TableSpec[], catalog: DefinitionCatalog): MaintenancePolicy {
  const retention = tables.flatMap((table) => {
    const days = catalog.dataset(table.name).retentionDays;
    return days === undefined ? [] : [[table.name, days * 86_400_000] as const];
  });
  return {
    targetFileBytes: config.compactTargetFileMb * 1024 * 1024,
    snapshotRetentionMs: config.snapshotRetentionMs,
    fileDeletionGraceMs: config.fileDeletionGraceMs,
    ...(retention.length === 0 ? {} : { retentionMs: Object.fromEntries(retention) }),
  };
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof SchemaError ? error.message : `normalizer failed: ${describeError(error)}`);
    process.exit(error instanceof SchemaError && error.code === 'INVALID_CONFIG' ? 2 : 1);
  },
);
