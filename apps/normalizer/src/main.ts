import { hostname } from 'node:os';
import { describeError, loadNormalizerConfig, NORMALIZER_SETTINGS, redactConfig, SchemaError } from '@fluxo/schema';
import { createKafka, ensureTopics, ReferenceConsumer, ReferenceProducer, settingsFromConfig, waitForCluster } from '@fluxo/kafka-client';
import { Lake, loadDefinitionCatalog, ParquetEngine } from '@fluxo/parquet-io';
import { VersionLedger } from './curate/version-ledger';
import { DeadLetters } from './handle/dead-letters';
import { ReferenceHandler } from './handle/reference-handler';
import { createAppLogger } from './logger';

const VERSION = '0.1.0';

/** Composition root: configuration → logger → lake, engine, Kafka → the reference handler. */
async function main(): Promise<void> {
  const config = loadNormalizerConfig(process.env);
  const logger = createAppLogger('normalizer', config.logLevel);
  logger.info({ config: redactConfig(config, NORMALIZER_SETTINGS) }, 'starting normalizer');
  const stopping = new AbortController();

  const catalog = await loadDefinitionCatalog(config.definitionsDir);
  const lake = await Lake.open(config.lakeDir);
  await using engine = await ParquetEngine.open({ logger, threads: config.engineThreads, memoryLimitMb: config.engineMemoryLimitMb });
  const kafka = createKafka(settingsFromConfig(config), logger);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stopping.abort());
  await waitForCluster(kafka, { signal: stopping.signal });
  const topics = [config.topicRawFiles, config.topicCuratedFiles, config.topicDeadLetter];
  await ensureTopics(kafka, topics.map((topic) => ({ topic, numPartitions: config.topicPartitions })));
  await using producer = await ReferenceProducer.connect(kafka, { logger });

  const announcer = {
    announce: async (reference: Parameters<typeof producer.publishReference>[1]) => void (await producer.publishReference(config.topicCuratedFiles, reference)),
    deadLetter: async (event: Parameters<typeof producer.publishDeadLetter>[1]) => void (await producer.publishDeadLetter(config.topicDeadLetter, event)),
  };
  const ledger = new VersionLedger(engine, lake, logger);
  const handler = new ReferenceHandler({
    engine,
    lake,
    catalog,
    ledger,
    announcer,
    deadLetters: new DeadLetters(lake, announcer, logger),
    producer: { app: 'normalizer', instance: config.instanceId ?? `${hostname()}:${process.pid}`, version: VERSION },
    logger,
  });
  await using consumer = await ReferenceConsumer.connect(kafka, {
    groupId: config.groupId,
    topics: [config.topicRawFiles],
    fromBeginning: true,
    logger,
    retryBackoff: { initialDelayMs: config.retryBaseDelayMs, maxDelayMs: 60_000 },
    onAssigned: () => ledger.invalidate(),
  });
  const running = consumer.run(async (message) => void (await handler.handle(message)));
  logger.info(
    { lake: lake.root, group: config.groupId, topics },
    `normalizer running: curated files under ${lake.root}/curated, references on ${config.topicCuratedFiles}, failures on ${config.topicDeadLetter}`,
  );
  const stopped = new Promise<void>((resolve) => stopping.signal.addEventListener('abort', () => resolve(), { once: true }));
  await Promise.race([running, stopped]);
  logger.info({}, 'stopping normalizer: finishing the file in flight');
  await consumer.close();
  await running;
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof SchemaError ? error.message : `normalizer failed: ${describeError(error)}`);
    process.exit(error instanceof SchemaError && error.code === 'INVALID_CONFIG' ? 2 : 1);
  },
);
