import { existingTopics, readRanges } from '@fluxo/kafka-client';
import type { OptionSpec, ParsedArgs } from '../args/command-spec';
import { type OptionReader } from '../args/values';
import type { CliContext } from '../context';
import { CliError } from '../errors';
import { filterDeadLetters, parseDeadLetterMessage, scanDeadLetters, type DeadLetterFilter, type DeadLetterRecord, type DeadLetterScan } from './scan';

/** The options that select dead letters, shared by `list` and `replay`. */
export const SELECTION_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  reason: { type: 'string', value: 'CODES', description: 'Only these reasons, comma-separated (e.g. CHECKSUM_MISMATCH,ROWS_REJECTED)' },
  stage: { type: 'string', value: 'STAGES', description: 'Only these stages: ingest, stream-ingest, normalizer' },
  source: { type: 'string', value: 'NAMES', description: 'Only these sources' },
  dataset: { type: 'string', value: 'NAMES', description: 'Only these datasets' },
  since: { type: 'string', value: 'TIME', description: 'Occurred at or after: 2026-03-01, 2026-03-01T12:00Z, or 2h (ago)' },
  until: { type: 'string', value: 'TIME', description: 'Occurred before (same forms)' },
  scan: { type: 'string', value: 'N', description: 'Read at most N records per partition, the newest (default FLUXO_CLI_SCAN_LIMIT)' },
};

export interface Selection {
  readonly filter: DeadLetterFilter;
  readonly scan: { readonly since?: number; readonly limitPerPartition: number };
  /** True when at least one criterion narrows the selection. */
  readonly narrowed: boolean;
}

/** Reads the selection options (and ids as positionals), collecting problems in `options`. */
export function readSelection(options: OptionReader, args: ParsedArgs, limitDefault: number): Selection {
  const list = (name: string) =>
    options
      .string(name)
      ?.split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  const since = options.time('since');
  const until = options.time('until');
  if (since !== undefined && until !== undefined && until <= since) options.problem('--until must be after --since');
  const stages = list('stage');
  for (const stage of stages ?? []) if (!['ingest', 'stream-ingest', 'normalizer'].includes(stage)) options.problem(`--stage ${stage}: stages are ingest, stream-ingest, normalizer`);
  const filter: DeadLetterFilter = {
    ...optional('reasons', list('reason')),
    ...optional('stages', stages),
    ...optional('sources', list('source')),
    ...optional('datasets', list('dataset')),
    ...optional('since', since),
    ...optional('until', until),
    ...optional('ids', args.positionals.length > 0 ? [...args.positionals] : undefined),
  };
  return {
    filter,
    scan: { ...optional('since', since), limitPerPartition: options.integer('scan', { min: 1, max: 10_000_000 }) ?? limitDefault },
    narrowed: Object.keys(filter).length > 0,
  };
}

/** Scans the dead-letter topic (with progress) and applies the filter. */
export async function selectDeadLetters(context: CliContext, selection: Selection): Promise<{ readonly scan: DeadLetterScan; readonly selected: DeadLetterRecord[] }> {
  const kafka = context.kafka();
  const topic = context.config.topicDeadLetter;
  if (!(await existingTopics(kafka, [topic])).has(topic)) {
    throw new CliError('NOT_FOUND', `The dead-letter topic ${topic} does not exist on ${context.config.kafkaBrokers.join(',')}: nothing has been dead-lettered yet.`, {
      hints: ['FLUXO_TOPIC_DEAD_LETTER names the topic; FLUXO_KAFKA_BROKERS the cluster.'],
    });
  }
  const exact = exactIds(selection.filter.ids);
  if (exact !== null) {
    // Ids given as <partition>:<offset> are read directly, whatever their age.
    const read = await readRanges(kafka, topic, exact.map(({ partition, offset }) => ({ partition, from: offset, to: (BigInt(offset) + 1n).toString() })), { timeoutMs: 20_000, signal: context.signal });
    const scan: DeadLetterScan = { records: read.messages.map(parseDeadLetterMessage), scanned: read.messages.length, truncated: false, complete: read.complete };
    return { scan, selected: filterDeadLetters(scan.records, selection.filter) };
  }
  const scan = await context.progress.step(`scanning ${topic}`, () =>
    scanDeadLetters(kafka, topic, { ...selection.scan, timeoutMs: 60_000, signal: context.signal, onProgress: () => undefined }),
  );
  return { scan, selected: filterDeadLetters(scan.records, selection.filter) };
}

/** `[{partition, offset}]` when every id is `<partition>:<offset>`, else null (event ids need a scan). */
function exactIds(ids: readonly string[] | undefined): { partition: number; offset: string }[] | null {
  if (ids === undefined || ids.length === 0) return null;
  const parsed = ids.map((id) => /^(\d+):(\d+)$/.exec(id));
  if (parsed.some((match) => match === null)) return null;
  return parsed.map((match) => ({ partition: Number(match?.[1]), offset: match?.[2] ?? '0' }));
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
