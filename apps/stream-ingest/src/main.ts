import { hostname } from 'node:os';
import { resolve as resolvePath } from 'node:path';
import {
  describeError,
  InstanceReconciler,
  lakeStorageOf,
  loadStreamIngestConfig,
  redactConfig,
  redactUrl,
  resolveStreamInstance,
  resolveStreamSpecs,
  SchemaError,
  STREAM_GAPS_SOURCE,
  STREAM_INGEST_SETTINGS,
  type DefinitionCatalog,
  type StreamInstance,
  type StreamProtocol,
} from '@fluxo/schema';
import { createKafka, ensureTopics, ReferenceProducer, retryUntilReady, settingsFromConfig, waitForCluster } from '@fluxo/kafka-client';
import { durableFiles, Lake, lakeRawFileSink, ParquetEngine, s3DurableFiles, S3Lake, s3RawFileSink } from '@fluxo/parquet-io';
import { DefinitionWatcher } from '@fluxo/definitions';
import { lockDirectory, PendingAnnouncements } from '@fluxo/producer';
import { createAppLogger, directoryWritableCheck, measuredAnnouncer, PipelineMetrics, startObservability } from '@fluxo/metrics';

import { registerStreamMetrics } from './observe/stream-metrics';
import { CheckpointStore, type StreamCheckpoint } from './state/checkpoint-store';
import { StreamRunner } from './stream-runner';
import { sseTransport } from './transport/sse-transport';
import type { StreamTransport } from './transport/transport';
import { websocketTransport } from './transport/websocket-transport';

const VERSION = '0.1.0';

/** Composition root: configuration → logger → lake, engine, Kafka → one runner per stream. */
async function main(): Promise<void> {
  const config = loadStreamIngestConfig(process.env);
  const logger = createAppLogger('stream-ingest', config.logLevel);
  logger.info({ config: redactConfig(config, STREAM_INGEST_SETTINGS) }, 'starting stream-ingest');
  const stopping = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stopping.abort());
  // First: /healthz answers and /readyz says why not ready while the rest starts (docs/observability.md).
  await using observability = await startObservability({ app: 'stream-ingest', version: VERSION, host: config.metricsHost, port: config.metricsPort, logger });
  const { registry, readiness } = observability;

  const instanceId = config.instanceId ?? `${hostname()}:${process.pid}`;
  // One stream-ingest per state folder: two would interleave checkpoints of the same streams.
  await using _stateLock = await lockDirectory(config.stateDir, { name: 'stream-ingest', owner: instanceId });
  await using definitions = await DefinitionWatcher.open({ dir: config.definitionsDir, intervalMs: config.definitionsScanIntervalMs, logger });
  // At startup every spec must resolve; later changes never stop the app.
  const instances = config.streams.map((spec) => resolveStreamInstance(definitions.catalog, spec, config.sourceBaseUrl));
  const gapsSource = definitions.catalog.internalSource(STREAM_GAPS_SOURCE);
  const lake = await Lake.open(config.lakeDir);
  readiness.add(directoryWritableCheck('lake', lake.root));
  // Raw files go to the s3:// lake root when one is configured; state and the local lake stay local.
  const storage = lakeStorageOf(config);
  await using engine = await ParquetEngine.open({ logger, threads: 1, ...(storage.kind === 's3' ? { extensions: ['httpfs'], extensionDirectory: resolvePath(config.duckdbExtensionDir) } : {}) });
  const s3Lake = storage.kind === 's3' ? await S3Lake.open(engine, storage) : undefined;
  await engine.restrictFileAccess({ allowedDirectories: [lake.root, ...(s3Lake === undefined ? [] : [s3Lake.sandboxPrefix])] });
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

  const announcements = { files: config.topicRawFiles, deadLetter: config.topicDeadLetter };
  const announcer = measuredAnnouncer(producer.announcer(announcements), new PipelineMetrics(registry, 'stream-ingest'), announcements);
  const userAgent = `fluxo-stream-ingest/${VERSION}`;
  const transports: Record<StreamProtocol, StreamTransport> = {
    sse: sseTransport({ connectTimeoutMs: config.connectTimeoutMs, maxLineBytes: config.maxLineBytes, userAgent }),
    websocket: websocketTransport({ connectTimeoutMs: config.connectTimeoutMs, maxMessageBytes: config.maxLineBytes, userAgent }),
  };
  const runnerOf = (instance: StreamInstance) =>
    new StreamRunner({
      instance,
      gapsSource,
      transport: transports[instance.definition.stream.protocol],
      rawFiles: s3Lake === undefined ? lakeRawFileSink(engine, lake) : s3RawFileSink(engine, s3Lake, lake),
      files: s3Lake === undefined ? durableFiles : s3DurableFiles(s3Lake),
      announcer,
      checkpoints: new CheckpointStore(config.stateDir, durableFiles),
      pending: new PendingAnnouncements<StreamCheckpoint>(config.stateDir, durableFiles),
      producer: { app: 'stream-ingest', instance: instanceId, version: VERSION },
      limits: { maxRows: config.batchMaxRows, maxBytes: config.batchMaxBytes, maxAgeMs: config.batchMaxAgeMs, idleFlushMs: config.idleFlushMs },
      bufferMaxEvents: config.bufferMaxEvents,
      dedupWindowEvents: config.dedupWindowEvents,
      stallTimeoutMs: config.stallTimeoutMs,
      backoff: { baseDelayMs: config.reconnectBaseDelayMs, maxDelayMs: config.reconnectMaxDelayMs },
      logger,
    });
  // The runners by spec, changing with the definitions. A runner that ends without being stopped (its batch loop failed) ends the app.
  const runners = new Map<string, StreamRunner>();
  let endApp: { readonly resolve: () => void; readonly reject: (error: unknown) => void } | undefined;
  const ended = new Promise<void>((resolve, reject) => (endApp = { resolve, reject }));
  const streams = new InstanceReconciler<StreamInstance>({
    what: 'stream',
    start: async (spec, instance) => {
      const runner = runnerOf(instance);
      runners.set(spec, runner);
      await runner.start(); // recovers pending units first
      runner.done().then(
        () => runners.get(spec) === runner && endApp?.resolve(), // stopped without being removed
        (error: unknown) => endApp?.reject(error),
      );
    },
    stop: async (spec) => {
      const runner = runners.get(spec);
      runners.delete(spec);
      await runner?.stop(); // closes the connection and flushes what was received
    },
    logger,
  });
  registerStreamMetrics(registry, () => [...runners.values()]);
  const resolve = (catalog: DefinitionCatalog) => resolveStreamSpecs(catalog, config.streams, config.sourceBaseUrl);
  await streams.apply(resolve(definitions.catalog));
  // Only after recovery (a pending unit's temp file may be old), and only where this producer writes.
  await lake.sweepStaleTempFiles({ sources: [...new Set([...instances.map((i) => i.definition.name), gapsSource.name])] });
  definitions.onChange(({ catalog }) => streams.apply(resolve(catalog)));
  definitions.start();
  const logStats = (): void => {
    for (const runner of runners.values()) logger.info({ stream: runner.name, ...runner.snapshot() }, 'stream stats');
  };
  readiness.markStarted();
  const statsTimer = config.statsIntervalMs > 0 ? setInterval(logStats, config.statsIntervalMs) : undefined;
  logger.info(
    { lake: lake.root, topics: [config.topicRawFiles, config.topicDeadLetter], streams: streams.instances.map((i) => ({ name: i.definition.name, url: redactUrl(i.url), protocol: i.definition.stream.protocol })) },
    `stream-ingest running: raw files under ${s3Lake?.root ?? lake.root}/raw, references on ${config.topicRawFiles}`,
  );
  await Promise.race([new Promise((resolve) => stopping.signal.addEventListener('abort', resolve, { once: true })), ended]);
  logger.info({}, 'stopping stream-ingest: closing streams and flushing what was received');
  if (statsTimer !== undefined) clearInterval(statsTimer);
  await definitions.close();
  const results = await Promise.allSettled([...runners.values()].map((runner) => runner.stop()));
  logStats();
  const failure = results.find((result) => result.status === 'rejected');
  if (failure !== undefined) throw failure.reason;
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof SchemaError ? error.message : `stream-ingest failed: ${describeError(error)}`);
    process.exit(error instanceof SchemaError && error.code === 'INVALID_CONFIG' ? 2 : 1);
  },
);
