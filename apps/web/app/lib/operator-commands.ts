/**
 * The dashboard is read-only: where it shows something an operator acts on, it names the exact
 * `npx fluxo …` command that acts on it (apps/cli). This module is the one home of that mapping —
 * pure functions over the data contracts, shared by the server-rendered and the live widgets.
 */
import type { DeadLetterSummary, GroupLagView, QuarantineSummary, StorageRow, WidgetProblem } from './definitions';

/** One command line to copy, and what running it does. */
export interface OperatorCommand {
  readonly command: string;
  readonly purpose: string;
}

/** A curated table holding at least this many files, averaging under SMALL_FILE_BYTES, is worth compacting. */
export const COMPACT_MIN_FILES = 10;
export const SMALL_FILE_BYTES = 16 * 1024 * 1024;

/** Tables whose last commit is older than this are worth a staleness check. */
const STALE_AFTER_MS = 60 * 60 * 1000;

/** Arguments made of these characters need no quoting in a POSIX shell; anything else is single-quoted. */
const PLAIN_ARGUMENT = /^[A-Za-z0-9_.,:/=@+-]+$/;

/** `npx fluxo` with its arguments, each quoted for a POSIX shell when it needs it. */
export function fluxoCommand(args: readonly string[]): string {
  return ['npx', 'fluxo', ...args.map(shellArgument)].join(' ');
}

function shellArgument(argument: string): string {
  return PLAIN_ARGUMENT.test(argument) ? argument : `'${argument.replaceAll("'", `'\\''`)}'`;
}

/**
 * Dead letters of one reason and stage: list them; for the normalizer's, replay them after the fix
 * (dry run first: the operator drops `--dry-run` to publish). Ingest-side dead letters carry no
 * reference to re-publish: `list` shows, per letter, which source to re-poll.
 */
export function deadLetterCommands(group: DeadLetterSummary['byReason'][number]): readonly OperatorCommand[] {
  const filter = ['--reason', group.reason, '--stage', group.stage];
  const list = { command: fluxoCommand(['dead-letters', 'list', ...filter]), purpose: 'list them, with what a replay would do' };
  if (group.stage !== 'normalizer') return [list];
  return [list, { command: fluxoCommand(['dead-letters', 'replay', ...filter, '--dry-run']), purpose: 'after the fix: replay them (drop --dry-run to publish)' }];
}

/** Quarantined files of a stage: the dead letters that put them there (each names its quarantine file). */
export function quarantineCommand(stage: QuarantineSummary['byStage'][number]['stage']): OperatorCommand {
  return { command: fluxoCommand(['dead-letters', 'list', '--stage', stage]), purpose: `why ${stage} quarantined them` };
}

/** Lag of the normalizer (or of anything else): `status` attributes it to datasets and fails past its thresholds. */
export function lagCommand(groups: readonly GroupLagView[]): OperatorCommand | null {
  if (!groups.some((group) => group.totalLag > 0)) return null;
  return { command: fluxoCommand(['status']), purpose: 'waiting references per dataset and the age of the oldest; exit 1 past the thresholds' };
}

/** Tables whose last commit is older than STALE_AFTER_MS (or unknown): `status` checks each table's last commit. */
export function staleTablesCommand(tables: readonly { readonly lastCuratedAt: string | null }[], now: number): OperatorCommand | null {
  const stale = tables.some((table) => table.lastCuratedAt === null || now - Date.parse(table.lastCuratedAt) > STALE_AFTER_MS);
  if (!stale) return null;
  return { command: fluxoCommand(['status', '--max-staleness', '1h']), purpose: 'which tables had no commit for an hour, and whether the sources still deliver' };
}

/** Curated tables with many small files: compaction merges them (dry run first). */
export function compactCommand(rows: readonly StorageRow[]): OperatorCommand | null {
  const fragmented = rows.filter((row) => row.zone === 'curated' && row.files >= COMPACT_MIN_FILES && row.averageFileBytes < SMALL_FILE_BYTES);
  if (fragmented.length === 0) return null;
  return {
    command: fluxoCommand(['compact', '--dry-run']),
    purpose: `merge small files (${fragmented.map((row) => row.name).join(', ')}); drop --dry-run to do it`,
  };
}

/** A widget that cannot show its data: the command that says what is wrong with Kafka, the catalog or a table. */
export function problemCommand(problem: WidgetProblem): OperatorCommand | null {
  switch (problem.kind) {
    case 'no-data':
      return null;
    case 'kafka-unreachable':
      return { command: fluxoCommand(['status']), purpose: 'checks Kafka (unhealthy while it is unreachable)' };
    case 'broken-file':
      return { command: fluxoCommand(['status']), purpose: "each table's files, and the catalog check" };
    case 'query-failed':
      return { command: fluxoCommand(['status']), purpose: 'checks the catalog and every table' };
  }
}
