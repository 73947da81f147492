import { hostname } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import {
  describeError,
  INGEST_SETTINGS,
  InstanceReconciler,
  lakeStorageOf,
  loadIngestConfig,
  redactConfig,
  redactUrl,
  resolveSourceInstances,
  resolveSourceSpecs,
  SchemaError,
  type DefinitionCatalog,
  type SourceInstance,
} from '@fluxo/schema';
import { createKafka, ensureTopics, ReferenceProducer, retryUntilReady, settingsFromConfig, waitForCluster } from '@fluxo/kafka-client';
import { durableFiles, Lake, lakeRawFileSink, ParquetEngine, s3DurableFiles, S3Lake, s3RawFileSink } from '@fluxo/parquet-io';
import { DefinitionWatcher } from '@fluxo/definitions';
import { lockDirectory, PendingAnnouncements } from '@fluxo/producer';
import { createAppLogger, directoryWritableCheck, measuredAnnouncer, PipelineMetrics, startObservability } from '@fluxo/metrics';
import { HttpFetcher } from './http/http-fetcher';
import { lakeQuarantine } from './lake-adapters';
import { IngestMetrics } from './observe/ingest-metrics';
import { PollScheduler } from './poll/poll-scheduler';
import { SourcePoller } from './poll/source-poller';
import type { PollUpdate } from './state/poll-state';
import { StateStore } from './state/state-store';

const VERSION = '0.1.0';

/** Composition root: configuration → logger → lake, engine, Kafka → one poller per source. */
async function main(): Promise<void> {
  const config = loadIngestConfig(process.env);
  const logger = createAppLogger('ingest', config.logLevel);
  logger.info({ config: redactConfig(config, INGEST_SETTINGS) }, 'starting ingest');
  const stopping = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stopping.abort());
  // First: /healthz answers and /readyz says why not ready while the rest starts (docs/observability.md).
  await using observability = await startObservability({ app: 'ingest', version: VERSION, host: config.metricsHost, port: config.metricsPort, logger });
  const { registry, readiness } = observability;
  const metrics = new IngestMetrics(registry);

  const producerIdentity = { app: 'ingest', instance: config.instanceId ?? `${hostname()}:${process.pid}`, version: VERSION };
  // One ingest per state folder: two would announce the same sources' polls twice.
  await using _stateLock = await lockDirectory(config.stateDir, { name: 'ingest', owner: producerIdentity.instance });
  await using definitions = await DefinitionWatcher.open({ dir: config.definitionsDir, intervalMs: config.definitionsScanIntervalMs, logger });
  // At startup every spec must resolve (exit code 2 otherwise); later changes never stop the app.
  resolveSourceInstances(definitions.catalog, config.sources, config.sourceBaseUrl, process.env);
  // The local lake always holds quarantine and the staging of streamed responses; raw files go to
  // the s3:// lake root instead when one is configured (lakeStorageOf).
  const lake = await Lake.open(config.lakeDir);
  readiness.add(directoryWritableCheck('lake', lake.root));
  const storage = lakeStorageOf(config);
  await using engine = await ParquetEngine.open({ logger, threads: 1, ...(storage.kind === 's3' ? { extensions: ['httpfs'], extensionDirectory: resolvePath(config.duckdbExtensionDir) } : {}) });
  const s3Lake = storage.kind === 's3' ? await S3Lake.open(engine, storage) : undefined;
  await engine.restrictFileAccess({ allowedDirectories: [lake.root, ...(s3Lake === undefined ? [] : [s3Lake.sandboxPrefix])] });
  const rawFiles = s3Lake === undefined ? lakeRawFileSink(engine, lake) : s3RawFileSink(engine, s3Lake, lake);
  const files = s3Lake === undefined ? durableFiles : s3DurableFiles(s3Lake);
  const kafka = createKafka(settingsFromConfig(config), logger);
  readiness.add({ name: 'kafka', check: async () => void (await kafka.describeCluster()) });
  // A broker that is (re)starting may not answer or list its topics yet: wait with backoff, never exit.
  const topics = [config.topicRawFiles, config.topicDeadLetter];
  const waiting = { signal: stopping.signal, logger, what: `Kafka (${config.kafkaBrokers.join(',')}) and topics ${topics.join(', ')}` };
  await using producer = await retryUntilReady(async () => {
    await waitForCluster(kafka, { signal: stopping.signal, timeoutMs: 30_000 });
    await ensureTopics(kafka, topics.map((topic) => ({ topic, numPartitions: config.topicPartitions })));
    return ReferenceProducer.connect(kafka, { logger });
  }, waiting);

  const retry = { limit: config.httpRetryLimit, baseDelayMs: config.httpRetryBaseDelayMs, maxDelayMs: config.httpRetryMaxDelayMs };
  // One fetcher per source, so HTTP metrics carry the source.
  const fetcherOf = (source: string) =>
    new HttpFetcher({
      timeoutMs: config.httpTimeoutMs,
      retry,
      maxResponseBytes: config.httpMaxResponseBytes,
      redirects: { allowedOrigins: config.httpRedirectOrigins ?? [], maxRedirects: 5 },
      userAgent: `fluxo-ingest/${VERSION}`,
      logger,
      observer: metrics.http(source),
    });
  const store = new StateStore(config.stateDir, durableFiles);
  const pending = new PendingAnnouncements<PollUpdate>(config.stateDir, durableFiles);
  const announcements = { files: config.topicRawFiles, deadLetter: config.topicDeadLetter };
  const announcer = measuredAnnouncer(producer.announcer(announcements), new PipelineMetrics(registry, 'ingest'), announcements);
  const scheduler = new PollScheduler(logger);
  const schedule = (key: string, instance: SourceInstance) => ({
    key,
    intervalMs: instance.intervalMs,
    poller: metrics.measured(
      new SourcePoller({
        instance,
        fetcher: fetcherOf(instance.definition.name),
        retry,
        store,
        pending,
        rawFiles,
        files,
        announcer,
        quarantine: lakeQuarantine(lake),
        producer: producerIdentity,
        seenTtlMs: config.seenTtlMs,
        maxRecordBytes: config.maxRecordBytes,
        spoolDir: join(config.stateDir, 'spool'),
        logger,
      }),
    ),
  });
  // Added, changed and removed definitions are applied while running (docs: libs/schema README).
  const sources = new InstanceReconciler<SourceInstance>({
    what: 'source',
    start: (spec, instance) => scheduler.add(schedule(spec, instance)),
    stop: async (spec) => void (await scheduler.remove(spec)),
    logger,
  });
  const resolve = (catalog: DefinitionCatalog) => resolveSourceSpecs(catalog, config.sources, config.sourceBaseUrl, process.env);
  await sources.apply(resolve(definitions.catalog));
  definitions.onChange(({ catalog }) => sources.apply(resolve(catalog)));
  definitions.start();
  readiness.markStarted();
  logger.info(
    { lake: lake.root, topics: [config.topicRawFiles, config.topicDeadLetter], sources: sources.instances.map((i) => ({ name: i.definition.name, url: redactUrl(i.url), intervalMs: i.intervalMs })) },
    `ingest running: raw files under ${s3Lake?.root ?? lake.root}/raw, references on ${config.topicRawFiles}`,
  );
  await new Promise((resolve) => stopping.signal.addEventListener('abort', resolve, { once: true }));
  logger.info({}, 'stopping ingest: finishing polls in flight');
  await definitions.close();
  await scheduler.stop();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof SchemaError ? error.message : `ingest failed: ${describeError(error)}`);
    process.exit(error instanceof SchemaError && error.code === 'INVALID_CONFIG' ? 2 : 1);
  },
);
