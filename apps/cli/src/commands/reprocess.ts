import { compileMapping, curatedTableSpec } from '@fluxo/schema';
import type { CommandSpec } from '../args/command-spec';
import { OptionReader } from '../args/values';
import { CliError, EXIT } from '../errors';
import { formatBytes, formatCount, formatDuration } from '../output/format';
import { listRawFiles } from '../reprocess/raw-inventory';
import { Reprocessor, type ReprocessReport } from '../reprocess/reprocessor';

const DAY_MS = 86_400_000;

export const reprocessCommand: CommandSpec = {
  name: 'reprocess',
  summary: 'Re-curate a dataset from the raw zone with the current definitions; swapped in atomically',
  usage: ['reprocess <dataset> [--from DATE] [--to DATE] [--dry-run] [--strict] [--json]'],
  positionals: { min: 1, max: 1 },
  options: {
    from: { type: 'string', value: 'DATE', description: 'First UTC day of event time to replace (default: the beginning)' },
    to: { type: 'string', value: 'DATE', description: 'Last UTC day of event time to replace, inclusive (default: the end)' },
    'dry-run': { type: 'boolean', description: 'Map everything and report what would change (rows changed per column, added, removed); write nothing' },
    strict: { type: 'boolean', description: 'Refuse (exit 1) when rows in the range came from raw files retention already deleted' },
    'batch-files': { type: 'string', value: 'N', description: 'Raw files mapped per statement (FLUXO_REPROCESS_BATCH_FILES, 100)' },
    json: { type: 'boolean', description: 'Print the report as JSON' },
  },
  details: [
    'Maps every raw file of the sources feeding <dataset> (FLUXO_DEFINITIONS_DIR, as the apps load it) with the normalizer\'s own SQL (libs/schema curatedSelectFrom), into a staging table in the same catalog (fluxo_staging.<dataset>__<run>), with a progress bar (files, rows, ETA). Then ONE catalog transaction deletes the table\'s rows in the range that came from those raw files and inserts the new rows, each (record key, version) once: readers see the old rows or the new, never a mix, while the normalizer keeps committing (a concurrent commit makes the swap run again).',
    'Rows whose raw file raw retention already deleted cannot be rebuilt: they are kept unchanged and counted as "kept" (--strict refuses instead). Rows missing a required column are left out, as the normalizer does, and counted per missing column. Restart the normalizer too, so that new raw files follow the new definitions. A column added to the definition is added to the table; a type change the table cannot follow is refused (exit 4).',
    'Exit 0 when swapped (or, with --dry-run, planned), 1 with --strict when rows would be kept, 4 for an unknown dataset or a schema conflict, 130 when interrupted (nothing swapped; the staging table is dropped).',
  ],
  examples: [
    ['reprocess earthquakes --dry-run', 'what the current mapping would change, per column'],
    ['reprocess earthquakes --from 2026-03-01 --to 2026-03-07', 'one week of event time'],
    ['reprocess weather_hourly --json > report.json', 'the report for a script'],
  ],
  run: async (context, args) => {
    const options = new OptionReader('reprocess', args, context.now);
    const from = options.date('from');
    const toDay = options.date('to');
    if (from !== undefined && toDay !== undefined && toDay < from) options.problem('--to must not be before --from');
    const batchFiles = options.integer('batch-files', { min: 1, max: 10_000 }) ?? context.config.reprocessBatchFiles;
    options.done();
    const name = args.positionals[0] ?? '';
    const definitions = await context.definitions();
    const dataset = definitions.dataset(name);
    const sourceNames = definitions.sourceNames().filter((source) => definitions.source(source).dataset === name);
    const first = sourceNames[0];
    if (first === undefined) throw new CliError('REFUSED', `No source feeds dataset ${name}: there is nothing to re-curate it from.`);
    const lake = await context.rawZoneLake();
    const sources = [];
    for (const source of sourceNames) sources.push({ name: source, mapping: compileMapping(definitions.source(source), dataset), files: await listRawFiles(lake.root, [source]) });
    const dryRun = options.flag('dry-run');
    const lakehouse = dryRun ? await context.lakehouse({ readOnly: true }) : await context.lakehouse({ readOnly: false });
    if (lakehouse === null) throw new CliError('NOT_FOUND', `There is no table catalog at ${context.config.catalog}: nothing has been curated yet.`);
    const reprocessor = new Reprocessor({ engine: await context.engine(), lakehouse, progress: context.progress, logger: context.logger, signal: context.signal });
    const report = await reprocessor.run({
      dataset,
      spec: curatedTableSpec(dataset, compileMapping(definitions.source(first), dataset)),
      sources,
      range: { from: from ?? null, to: toDay === undefined ? null : toDay + DAY_MS },
      dryRun,
      strict: options.flag('strict'),
      batchFiles,
    });
    context.print(options.flag('json') ? JSON.stringify(report, null, 2) : renderReport(report));
    return EXIT.ok;
  },
};

function renderReport(report: ReprocessReport): string {
  const range = report.range.from === null && report.range.to === null ? 'all event times' : `event time ${report.range.from ?? '…'} → ${report.range.to ?? '…'}`;
  const lines = [
    `${report.dryRun ? 'Dry run: ' : ''}reprocess ${report.dataset} (${range}) in ${formatDuration(report.durationMs)}`,
    `  raw files   ${formatCount(report.rawFiles.read)} read of ${formatCount(report.rawFiles.listed)} (${formatBytes(report.rawFiles.bytes)})${report.rawFiles.skipped.length === 0 ? '' : `, ${report.rawFiles.skipped.length} unreadable skipped`}`,
    `  rows        ${formatCount(report.rows.mapped)} mapped, ${formatCount(report.rows.staged)} staged, ${formatCount(report.rows.rejected)} rejected (required column missing), ${formatCount(report.rows.outsideRange)} outside the range`,
    `  table       ${formatCount(report.current.rows)} rows in the range: ${formatCount(report.current.replaced)} rebuilt from the raw zone, ${formatCount(report.current.kept)} kept (raw file no longer in the raw zone)`,
    `  versions    ${formatCount(report.diff.unchanged)} unchanged, ${formatCount(report.diff.changed)} changed, ${formatCount(report.diff.added)} added, ${formatCount(report.diff.removed)} removed`,
  ];
  const columns = Object.entries(report.diff.changedByColumn);
  if (columns.length > 0) lines.push(`  changed     ${columns.map(([column, n]) => `${column} ${formatCount(n)}`).join(', ')}`);
  const missing = Object.entries(report.rejectedByMissing);
  if (missing.length > 0) lines.push(`  rejected    ${missing.map(([columns, n]) => `missing ${columns}: ${formatCount(n)}`).join('; ')}`);
  for (const skipped of report.rawFiles.skipped.slice(0, 10)) lines.push(`  skipped     ${skipped.uri}: ${skipped.problem}`);
  if (report.swap !== null) {
    lines.push(`  swapped     -${formatCount(report.swap.deleted)} +${formatCount(report.swap.inserted)} rows in one commit (snapshot ${report.swap.snapshotId}); \`fluxo compact\` rewrites the files holding the deleted rows`);
  } else {
    lines.push('  nothing was written (--dry-run)');
  }
  return lines.join('\n');
}
