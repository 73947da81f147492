import { existsSync } from 'node:fs';
import { EVENT_ID_HEADER, existingTopics, ReferenceProducer } from '@fluxo/kafka-client';
import type { Lake } from '@fluxo/parquet-io';
import type { CommandSpec } from '../args/command-spec';
import { OptionReader } from '../args/values';
import type { CliContext } from '../context';
import { CliError, EXIT } from '../errors';
import { describeAction, planReplay, type ReplayAction } from '../dead-letters/replay-plan';
import { occurredAt, type DeadLetterRecord } from '../dead-letters/scan';
import { readSelection, selectDeadLetters, SELECTION_OPTIONS } from '../dead-letters/selection';
import { formatAgo, formatCount, formatTime, oneLine } from '../output/format';
import { renderTable } from '../output/table';

/** Header naming the dead letter a replayed record comes from (its event id). */
const REPLAY_OF_HEADER = 'fluxo-replay-of';

export const deadLettersListCommand: CommandSpec = {
  name: 'dead-letters list',
  summary: 'Dead letters, newest last, filtered by reason, stage, source, dataset and time',
  usage: ['dead-letters list [--reason CODES] [--stage STAGES] [--source NAMES] [--dataset NAMES] [--since TIME] [--until TIME] [--limit N] [--json]'],
  positionals: { min: 0, max: 0 },
  options: { ...SELECTION_OPTIONS, limit: { type: 'string', value: 'N', description: 'Show the newest N that match (default 50)' }, json: { type: 'boolean', description: 'One JSON object per line (the event, its id and the replay action)' } },
  details: [
    'Reads the dead-letter topic (FLUXO_TOPIC_DEAD_LETTER) from --since, or its newest FLUXO_CLI_SCAN_LIMIT records per partition, never from its beginning. Each line shows the id to pass to `show` and `replay` (<partition>:<offset>) and what a replay would do.',
  ],
  examples: [
    ['dead-letters list', 'the newest dead letters'],
    ['dead-letters list --reason CHECKSUM_MISMATCH,FILE_MISSING --since 24h', 'reference failures of the last day'],
    ['dead-letters list --stage normalizer --dataset earthquakes --json', 'as JSON lines, for jq'],
  ],
  run: async (context, args) => {
    const options = new OptionReader('dead-letters list', args, context.now);
    const selection = readSelection(options, args, context.config.scanLimit);
    const limit = options.integer('limit', { min: 1 }) ?? 50;
    options.done();
    const { scan, selected } = await selectDeadLetters(context, selection);
    const shown = selected.slice(-limit);
    const lake = existsSync(context.lakeRoot) ? await context.lake() : null;
    const actions = await Promise.all(shown.map((record) => planReplay(record, lake)));
    if (options.flag('json')) {
      shown.forEach((record, index) => context.print(JSON.stringify({ id: record.id, timestampMs: record.timestampMs, event: record.event, problem: record.problem ?? null, action: actionJson(actions[index]) })));
      return EXIT.ok;
    }
    const now = context.now;
    if (shown.length === 0) context.print(`No dead letters match (${formatCount(scan.scanned)} scanned).`);
    else
      context.print(
        renderTable(
          ['id', 'occurred', 'stage', 'reason', 'source → dataset', 'replay', 'message'],
          shown.map((record, index) => {
            const event = record.event;
            return [
              record.id,
              `${formatTime(occurredAt(record))} (${formatAgo(occurredAt(record), now)})`,
              event?.stage ?? '?',
              event?.reason ?? 'INVALID_DEAD_LETTER',
              `${event?.source ?? '–'} → ${event?.dataset ?? '–'}`,
              actions[index] === undefined ? '–' : describeAction(actions[index]),
              oneLine(event?.message ?? record.problem ?? ''),
            ];
          }),
          context.width === undefined ? {} : { width: context.width },
        ),
      );
    context.progress.note(
      `${formatCount(shown.length)} shown of ${formatCount(selected.length)} matching, ${formatCount(scan.scanned)} scanned${scan.truncated ? ' (older ones beyond the scan limit: use --since or --scan)' : ''}${scan.complete ? '' : ' (the read stopped before the end)'}. Details: fluxo dead-letters show <id>`,
    );
    return EXIT.ok;
  },
};

export const deadLettersShowCommand: CommandSpec = {
  name: 'dead-letters show',
  summary: 'One dead letter in full: the event, its original record decoded, the quarantine file, the replay action',
  usage: ['dead-letters show <id> [--json]'],
  positionals: { min: 1, max: 1 },
  options: { json: { type: 'boolean', description: 'Print it as JSON' }, scan: SELECTION_OPTIONS['scan'] ?? { type: 'string', description: '' } },
  details: ['<id> is <partition>:<offset> from `dead-letters list` (read directly, whatever its age), or the event id (searched in the newest FLUXO_CLI_SCAN_LIMIT records per partition).'],
  examples: [
    ['dead-letters show 1:42', 'by position in the topic'],
    ['dead-letters show 0b6c1d9e-4b0f-4c55-9a31-1b8d0f0e2a77', 'by event id'],
  ],
  run: async (context, args) => {
    const options = new OptionReader('dead-letters show', args, context.now);
    const selection = readSelection(options, args, context.config.scanLimit);
    options.done();
    const { selected } = await selectDeadLetters(context, selection);
    const record = selected[0];
    if (record === undefined) throw new CliError('NOT_FOUND', `No dead letter ${args.positionals[0] ?? ''} in the scanned records.`, { hints: ['Ids look like 1:42 (see `fluxo dead-letters list`); an event id is searched in the newest records only (--scan).'] });
    const lake = existsSync(context.lakeRoot) ? await context.lake() : null;
    const action = await planReplay(record, lake);
    const quarantine = record.event?.quarantineUri;
    const quarantinePath = quarantine === undefined || lake === null ? null : await lake.resolve(quarantine).catch(() => null);
    if (options.flag('json')) {
      context.print(JSON.stringify({ id: record.id, timestampMs: record.timestampMs, event: record.event, problem: record.problem ?? null, action: actionJson(action), quarantinePath }, null, 2));
      return EXIT.ok;
    }
    context.print(renderShow(record, action, quarantinePath));
    return EXIT.ok;
  },
};

export const deadLettersReplayCommand: CommandSpec = {
  name: 'dead-letters replay',
  summary: 'Re-publish the original references of dead letters (after a fix); idempotent',
  usage: ['dead-letters replay <id>... [--dry-run] [--force]', 'dead-letters replay (--reason CODES | --dataset NAMES | --source NAMES | --since TIME | --all) [--dry-run] [--force]'],
  positionals: { min: 0, max: 10_000 },
  options: {
    ...SELECTION_OPTIONS,
    all: { type: 'boolean', description: 'Every dead letter scanned (required when no id or filter is given)' },
    'dry-run': { type: 'boolean', description: 'Show what would be re-published; publish nothing' },
    force: { type: 'boolean', description: 'Re-publish even references whose raw file still fails verification' },
    json: { type: 'boolean', description: 'Print the outcome as JSON' },
  },
  details: [
    'A normalizer dead letter carries the original Kafka record verbatim; replay publishes exactly those bytes again on FLUXO_TOPIC_RAW_FILES (key = the original key, header fluxo-replay-of = the dead letter\'s event id), so the normalizer curates the raw file again with the definitions it runs now. Replaying twice curates nothing twice: the tables keep each (record key, version) once. A reference is published once per run even when several dead letters carry it.',
    'Before publishing, each raw file is verified as the normalizer will (in the lake, size, SHA-256); one that still fails is skipped unless --force. Ingest-side dead letters have no reference: replay says which source to re-poll instead.',
    'Exit 0 when everything selected was re-published (or needed a re-poll), 1 when some were skipped, 4 when nothing matched.',
  ],
  examples: [
    ['dead-letters replay 1:42 1:43', 'two dead letters by id'],
    ['dead-letters replay --reason ROWS_REJECTED --dataset earthquakes --dry-run', 'what a replay after fixing the mapping would send'],
    ['dead-letters replay --reason FILE_MISSING --since 2026-03-01', 'after restoring files from a backup'],
  ],
  run: async (context, args) => {
    const options = new OptionReader('dead-letters replay', args, context.now);
    const selection = readSelection(options, args, context.config.scanLimit);
    const all = options.flag('all');
    if (!selection.narrowed && !all) options.problem('say which dead letters: ids, a filter (--reason, --dataset, --source, --stage, --since) or --all');
    options.done();
    const dryRun = options.flag('dry-run');
    const { selected } = await selectDeadLetters(context, selection);
    if (selected.length === 0) throw new CliError('NOT_FOUND', 'No dead letters match.', { hints: ['See them with `fluxo dead-letters list` (the same filters).'] });
    const lake = existsSync(context.lakeRoot) ? await context.lake() : null;
    const outcome = await replay(context, selected, lake, { dryRun, force: options.flag('force') });
    if (options.flag('json')) context.print(JSON.stringify(outcome, null, 2));
    else {
      for (const line of outcome.lines) context.print(line);
      context.print(
        `${dryRun ? 'Would re-publish' : 'Re-published'} ${formatCount(outcome.published)} reference(s) (${formatCount(outcome.rows)} raw rows) to ${context.config.topicRawFiles}; ` +
          `${formatCount(outcome.duplicates)} duplicate(s) merged, ${formatCount(outcome.skipped)} skipped, ${formatCount(outcome.repoll)} need a re-poll.` +
          (dryRun ? ' Nothing was published (--dry-run).' : ' Rows already in the tables are not curated again.'),
      );
    }
    return outcome.skipped > 0 ? EXIT.no : EXIT.ok;
  },
};

interface ReplayOutcome {
  readonly dryRun: boolean;
  readonly published: number;
  readonly rows: number;
  readonly duplicates: number;
  readonly skipped: number;
  readonly repoll: number;
  readonly items: readonly { readonly id: string; readonly outcome: string; readonly detail: string }[];
  readonly lines: readonly string[];
}

async function replay(context: CliContext, records: readonly DeadLetterRecord[], lake: Lake | null, options: { readonly dryRun: boolean; readonly force: boolean }): Promise<ReplayOutcome> {
  const topic = context.config.topicRawFiles;
  const kafka = context.kafka();
  if (!options.dryRun && !(await existingTopics(kafka, [topic])).has(topic)) throw new CliError('NOT_FOUND', `The raw-files topic ${topic} does not exist.`, { hints: ['FLUXO_TOPIC_RAW_FILES names it.'] });
  const producer = options.dryRun ? null : await ReferenceProducer.connect(kafka, { logger: context.logger });
  const items: { id: string; outcome: string; detail: string }[] = [];
  const sent = new Set<string>();
  let published = 0;
  let rows = 0;
  let duplicates = 0;
  let skipped = 0;
  let repoll = 0;
  try {
    const bar = context.progress.bar(options.dryRun ? 'planning the replay' : 'replaying', { files: records.length, rows: 0 });
    for (const [index, record] of records.entries()) {
      context.checkInterrupted();
      const action: ReplayAction = await planReplay(record, lake);
      bar.update({ files: index + 1, rows });
      if (action.kind !== 'republish') {
        if (action.kind === 'repoll') repoll += 1;
        else skipped += 1;
        items.push({ id: record.id, outcome: action.kind === 'repoll' ? 'repoll' : 'skipped', detail: action.advice });
        continue;
      }
      if (sent.has(action.reference.eventId)) {
        duplicates += 1;
        items.push({ id: record.id, outcome: 'duplicate', detail: `reference ${action.reference.eventId} already sent in this run` });
        continue;
      }
      if (!action.ready && !options.force) {
        skipped += 1;
        items.push({ id: record.id, outcome: 'skipped', detail: `${action.reference.uri} still fails: ${action.problem ?? '?'} (--force sends it anyway)` });
        continue;
      }
      sent.add(action.reference.eventId);
      let where = '';
      if (producer !== null) {
        const ack = await producer.publish(topic, { key: action.key, value: action.value, headers: { [EVENT_ID_HEADER]: action.reference.eventId, [REPLAY_OF_HEADER]: record.event?.eventId ?? record.id } });
        where = ` → ${ack.topic}[${ack.partition}]@${ack.offset}`;
      }
      published += 1;
      rows += action.reference.rows;
      items.push({ id: record.id, outcome: options.dryRun ? 'would-publish' : 'published', detail: `${action.reference.uri} (${formatCount(action.reference.rows)} rows, ${action.reference.dataset})${where}` });
    }
    bar.finish();
  } finally {
    await producer?.close();
  }
  const lines = items.map((item) => `${item.id.padEnd(10)} ${item.outcome.padEnd(13)} ${item.detail}`);
  return { dryRun: options.dryRun, published, rows, duplicates, skipped, repoll, items, lines };
}

function actionJson(action: ReplayAction | undefined): Record<string, unknown> | null {
  if (action === undefined) return null;
  switch (action.kind) {
    case 'republish':
      return { kind: action.kind, ready: action.ready, problem: action.problem, uri: action.reference.uri, dataset: action.reference.dataset, rows: action.reference.rows, referenceEventId: action.reference.eventId };
    case 'repoll':
      return { kind: action.kind, source: action.source, advice: action.advice };
    case 'none':
      return { kind: action.kind, advice: action.advice };
  }
}

function renderShow(record: DeadLetterRecord, action: ReplayAction, quarantinePath: string | null): string {
  const event = record.event;
  const lines = [`dead letter ${record.id} (Kafka time ${formatTime(record.timestampMs)})`];
  if (event === null) return [...lines, `  not a valid dead-letter event: ${record.problem ?? ''}`, '', record.value].join('\n');
  lines.push(
    `  event id     ${event.eventId}`,
    `  occurred     ${event.occurredAt}`,
    `  stage        ${event.stage}`,
    `  reason       ${event.reason}`,
    `  source       ${event.source ?? '–'}`,
    `  dataset      ${event.dataset ?? '–'}`,
    `  message      ${event.message}`,
    `  quarantine   ${event.quarantineUri ?? '–'}${quarantinePath === null ? '' : `  (${quarantinePath}${existsSync(quarantinePath) ? '' : ', missing'})`}`,
  );
  if (event.details !== undefined) lines.push(`  details      ${JSON.stringify(event.details)}`);
  const original = event.original;
  lines.push('', `original record${original.topic === undefined ? '' : ` from ${original.topic}[${original.partition ?? '?'}]@${original.offset ?? '?'}`}${original.key === undefined ? '' : `, key ${original.key}`} (${original.encoding}):`);
  let body = original.value;
  if (original.encoding === 'utf8') {
    try {
      body = JSON.stringify(JSON.parse(original.value), null, 2);
    } catch {
      // shown as it is
    }
  }
  lines.push(...body.split('\n').map((line) => `  ${line}`));
  lines.push('', `replay: ${describeAction(action)}`);
  if (action.kind === 'republish') lines.push(action.ready ? `  the raw file ${action.reference.uri} passes verification; \`fluxo dead-letters replay ${record.id}\` re-publishes the reference` : `  the raw file still fails: ${action.problem ?? '?'}`);
  else lines.push(`  ${action.advice}`);
  return lines.join('\n');
}
