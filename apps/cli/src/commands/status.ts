import { existsSync } from 'node:fs';
import { describeError, type DefinitionCatalog } from '@fluxo/schema';
import { existingTopics } from '@fluxo/kafka-client';
import { describeCatalogLocation, type Lakehouse } from '@fluxo/lakehouse';
import { OptionReader } from '../args/values';
import type { CommandSpec } from '../args/command-spec';
import type { CliContext } from '../context';
import { EXIT } from '../errors';
import { scanDeadLetters } from '../dead-letters/scan';
import { collectLag } from '../status/collect-lag';
import { collectProducers, collectQuarantine } from '../status/collect-lake';
import { collectTables } from '../status/collect-tables';
import { judge, summarizeDeadLetters, type HealthThresholds } from '../status/health';
import { renderStatus } from '../status/render-status';
import type { Check, StatusReport } from '../status/status-report';

export const statusCommand: CommandSpec = {
  name: 'status',
  summary: 'Lag, freshness, last commits, dead letters and tables; exit 1 when unhealthy',
  usage: ['status [--json] [--window DURATION] [--max-lag N] [--max-lag-age DURATION] [--max-dead-letters N] [--max-staleness DURATION]'],
  positionals: { min: 0, max: 0 },
  options: {
    json: { type: 'boolean', description: 'Print the report as JSON (times in ms since the epoch)' },
    window: { type: 'string', value: 'DURATION', description: 'Window for dead letters and raw files (default FLUXO_STATUS_WINDOW_MS, 1h)' },
    'max-lag': { type: 'string', value: 'N', description: 'Unhealthy above N waiting references (FLUXO_STATUS_MAX_LAG_MESSAGES, 1000)' },
    'max-lag-age': { type: 'string', value: 'DURATION', description: 'Unhealthy when the oldest waiting reference is older (FLUXO_STATUS_MAX_LAG_MS, 5m)' },
    'max-dead-letters': { type: 'string', value: 'N', description: 'Unhealthy above N dead letters in the window (FLUXO_STATUS_MAX_DEAD_LETTERS, 100)' },
    'max-staleness': { type: 'string', value: 'DURATION', description: "Unhealthy when a table's last commit is older (FLUXO_STATUS_MAX_STALENESS_MS, off)" },
  },
  details: [
    'Per stage and dataset: references waiting for the normalizer (Kafka lag against the progress committed in the catalog with the data) and the age of the oldest; the last raw file of each source; the last commit of each table, its newest event time, rows, files, delete files and size; dead letters in the window by stage, reason and dataset, and quarantined rows by missing columns.',
    'Reads only: Kafka offsets and at most FLUXO_CLI_SCAN_LIMIT records per partition, the catalog read-only, the date folders of the window.',
    'Exit 0 when healthy, 1 when a check fails (Kafka unreachable, lag or its age above the threshold, too many dead letters, a stale table), 2 on a usage error. Warnings (a dead letter, no catalog yet) keep exit 0.',
  ],
  examples: [
    ['status', 'what is the pipeline doing?'],
    ['status --json | jq .lag.totalLag', 'for scripts'],
    ['status --max-lag 0 --max-lag-age 2m -q', 'a strict health check (exit code only)'],
    ['status --window 24h', 'dead letters of the last day'],
  ],
  run: async (context, args) => {
    const options = new OptionReader('status', args, context.now);
    const windowMs = options.duration('window') ?? context.config.statusWindowMs;
    const thresholds: HealthThresholds = {
      statusMaxLagMessages: options.integer('max-lag', { min: 0 }) ?? context.config.statusMaxLagMessages,
      statusMaxLagMs: options.duration('max-lag-age') ?? context.config.statusMaxLagMs,
      statusMaxDeadLetters: options.integer('max-dead-letters', { min: 0 }) ?? context.config.statusMaxDeadLetters,
      statusMaxStalenessMs: options.duration('max-staleness') ?? context.config.statusMaxStalenessMs,
      statusWindowMs: windowMs,
      statusStalenessIgnore: context.config.statusStalenessIgnore ?? [],
    };
    options.done();
    const report = await collectStatus(context, thresholds);
    if (options.flag('json')) context.print(JSON.stringify(report, null, 2));
    else if (!options.flag('quiet') || !report.healthy) context.print(renderStatus(report, context.width));
    return report.healthy ? EXIT.ok : EXIT.no;
  },
};

/** Gathers the report; a system that cannot be reached becomes a failed check, not an error. */
async function collectStatus(context: CliContext, thresholds: HealthThresholds): Promise<StatusReport> {
  const { config } = context;
  const since = context.now - thresholds.statusWindowMs;
  const extra: Check[] = [];
  let definitions: DefinitionCatalog | null = null;
  try {
    definitions = await context.definitions();
  } catch (error) {
    extra.push({ name: 'definitions', level: 'fail', message: `The definitions do not load: ${describeError(error)}`, setting: 'FLUXO_DEFINITIONS_DIR' });
  }
  const catalogLocation = describeCatalogLocation(context.catalogLocation);
  let lakehouse: Lakehouse | null = null;
  let catalogError: string | null = null;
  try {
    lakehouse = await context.progress.step('attaching the catalog', () => context.lakehouse({ readOnly: true }));
  } catch (error) {
    catalogError = describeError(error);
  }
  const kafka = context.kafka();
  let kafkaError: string | null = null;
  const fail = (error: unknown) => {
    kafkaError ??= describeError(error);
    return null;
  };
  const topics = await context.progress.step('asking Kafka for its topics', () => existingTopics(kafka, [config.topicRawFiles, config.topicDeadLetter])).catch(fail);
  for (const topic of [config.topicRawFiles, config.topicDeadLetter]) {
    if (topics !== null && !topics.has(topic)) extra.push({ name: `topic:${topic}`, level: 'warn', message: `Topic ${topic} does not exist yet: no app has started against this broker`, setting: 'FLUXO_TOPIC_*' });
  }
  const [lag, dead] =
    topics === null
      ? [null, null]
      : await context.progress.step('reading Kafka: lag and dead letters', () =>
          Promise.all([
            topics.has(config.topicRawFiles)
              ? collectLag({ kafka, lakehouse, logger: context.logger }, { group: config.normalizerGroup, topic: config.topicRawFiles, scanLimit: config.scanLimit, signal: context.signal }).catch(fail)
              : null,
            topics.has(config.topicDeadLetter)
              ? scanDeadLetters(kafka, config.topicDeadLetter, { since, limitPerPartition: config.scanLimit, timeoutMs: 20_000, signal: context.signal }).catch(fail)
              : null,
          ]),
        );
  const tables = lakehouse === null ? [] : await context.progress.step('reading the tables', () => collectTables(lakehouse, definitions));
  const lakeExists = existsSync(context.lakeRoot);
  const producers = lakeExists ? await collectProducers(context.lakeRoot, definitions, since) : [];
  const quarantine = lakeExists ? await collectQuarantine(context.lakeRoot, since) : [];
  const partial: Omit<StatusReport, 'checks' | 'healthy'> = {
    at: context.now, // after reading: ages are never negative
    kafka: { brokers: config.kafkaBrokers, reachable: kafkaError === null, error: kafkaError },
    catalog: { location: catalogLocation, exists: context.catalogExists(), error: catalogError },
    lake: { root: context.lakeRoot, exists: lakeExists },
    producers,
    lag,
    tables,
    deadLetters: dead === null ? null : summarizeDeadLetters(dead, since),
    quarantine,
  };
  const checks = [...judge(partial, thresholds), ...extra];
  return { ...partial, checks, healthy: checks.every((check) => check.level !== 'fail') };
}
