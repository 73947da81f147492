import { curatedTableSpecs, lakeStorageOf, type CliConfig, type DefinitionCatalog } from '@fluxo/schema';
import { applyRetention, collectGarbage, compact, ConsumedRawFiles, LocalRawZone, RawRetention, type Lakehouse, type MaintenancePolicy, type TableSpec } from '@fluxo/lakehouse';
import { unprocessedByAll } from '@fluxo/kafka-client';
import { S3LakeObjects, S3RawZone } from '@fluxo/parquet-io';
import type { CommandSpec } from '../args/command-spec';
import { OptionReader } from '../args/values';
import type { CliContext } from '../context';
import { CliError, EXIT } from '../errors';
import { formatCount, formatDuration } from '../output/format';
import { renderTable } from '../output/table';

export const compactCommand: CommandSpec = {
  name: 'compact',
  summary: 'Rewrite files holding deleted rows and merge small files per partition (what maintenance rounds do)',
  usage: ['compact [--dry-run] [--json]'],
  positionals: { min: 0, max: 0 },
  options: {
    'dry-run': { type: 'boolean', description: 'Report files, small files and files with deletes per table; change nothing' },
    json: { type: 'boolean', description: 'Print the report as JSON' },
  },
  details: [
    'Runs libs/lakehouse compact() on the curated tables: files holding deleted rows (retention, reprocessing, replaced progress rows) are rewritten without them, and small files of a partition are merged up to FLUXO_COMPACT_TARGET_FILE_MB. Each step is one catalog commit: readers keep their snapshot, the normalizer keeps committing. The replaced files are deleted later by `fluxo gc` (after FLUXO_FILE_DELETION_GRACE_MS).',
  ],
  examples: [
    ['compact --dry-run', 'how many small files and files with deletes there are'],
    ['compact', 'merge them now instead of waiting for the next maintenance round'],
  ],
  run: async (context, args) => {
    const options = new OptionReader('compact', args, context.now);
    options.done();
    const dryRun = options.flag('dry-run');
    const { lakehouse, tables } = await openTables(context);
    const report = await context.progress.step(dryRun ? 'inspecting the tables' : 'compacting', () => compact(lakehouse, tables, policyOf(context.config, null, tables), { dryRun }));
    if (options.flag('json')) context.print(JSON.stringify(report, null, 2));
    else {
      context.print(
        renderTable(
          ['table', 'files', 'small files', 'files with deletes', dryRun ? 'files after' : 'files now'],
          report.tables.map((t) => [t.table, formatCount(t.filesBefore), formatCount(t.smallFiles), formatCount(t.filesWithDeletes), t.filesAfter === null ? '–' : formatCount(t.filesAfter)]),
        ),
      );
      context.print(dryRun ? 'Nothing was changed (--dry-run).' : 'Compacted; `fluxo gc` deletes the replaced files once the grace period has passed.');
    }
    return EXIT.ok;
  },
};

export const gcCommand: CommandSpec = {
  name: 'gc',
  summary: 'Apply retention (tables and raw zone), expire snapshots, delete unreferenced and orphaned files',
  usage: ['gc [--dry-run] [--json]'],
  positionals: { min: 0, max: 0 },
  options: {
    'dry-run': { type: 'boolean', description: 'List what would be deleted; delete nothing' },
    json: { type: 'boolean', description: 'Print the report as JSON (with every file path)' },
  },
  details: [
    'In order: rows past a dataset\'s retentionDays are deleted; snapshots older than FLUXO_SNAPSHOT_RETENTION_MS expire; data files no snapshot references, and files no commit ever referenced (killed writers), are deleted after FLUXO_FILE_DELETION_GRACE_MS; raw files past FLUXO_RAW_RETENTION_DAYS are deleted once every group of FLUXO_RAW_RETENTION_GROUPS curated them (unconsumed ones FLUXO_RAW_UNCONSUMED_GRACE_DAYS later). The same steps the normalizer runs every FLUXO_MAINTENANCE_INTERVAL_MS.',
    'A dry run lists what is deletable now; files that only the snapshot expiry would free are listed by the next run.',
  ],
  examples: [
    ['gc --dry-run', 'what would be deleted'],
    ['gc --json | jq ".raw"', 'raw-zone retention as JSON'],
  ],
  run: async (context, args) => {
    const options = new OptionReader('gc', args, context.now);
    options.done();
    const dryRun = options.flag('dry-run');
    const { lakehouse, tables, definitions } = await openTables(context);
    const policy = policyOf(context.config, definitions, tables);
    const started = Date.now();
    const retention = await context.progress.step('table retention', () => applyRetention(lakehouse, tables, policy, { dryRun }));
    const garbage = await context.progress.step('expiring snapshots and deleting files', () => collectGarbage(lakehouse, policy, { dryRun }));
    // The raw zone is where the raw files are: the S3 lake's objects (FLUXO_LAKE_ROOT), or the local lake.
    const storage = lakeStorageOf(context.config);
    await using s3Objects = storage.kind === 's3' ? S3LakeObjects.open(storage) : undefined;
    const zone = s3Objects === undefined ? new LocalRawZone(await context.lake(), context.logger) : new S3RawZone(s3Objects);
    const rawGroups = context.config.rawRetentionGroups ?? [context.config.normalizerGroup];
    const rawFiles: string[] = [];
    const raw = await context.progress.step('raw-zone retention', () =>
      new RawRetention(
        { zone, consumed: new ConsumedRawFiles(lakehouse), pending: () => unprocessedByAll(context.kafka(), context.config.topicRawFiles, rawGroups), logger: context.logger },
        { retentionDays: context.config.rawRetentionDays, unconsumedGraceDays: context.config.rawUnconsumedGraceDays, groups: rawGroups },
      ).sweep(new Date(context.now), { dryRun, onFile: (uri, why) => rawFiles.push(`${why}: ${uri}`) }),
    );
    if (options.flag('json')) {
      context.print(JSON.stringify({ dryRun, retention, garbage, raw: { ...raw, files: rawFiles }, durationMs: Date.now() - started }, null, 2));
      return EXIT.ok;
    }
    const verb = dryRun ? 'would delete' : 'deleted';
    const lines = [
      `${dryRun ? 'Dry run: ' : ''}gc in ${formatDuration(Date.now() - started)}`,
      `  table retention   ${verb} ${formatCount(retention.rows)} row(s)${Object.keys(retention.byTable).length === 0 ? ' (no dataset sets retentionDays)' : ` (${Object.entries(retention.byTable).map(([table, n]) => `${table} ${formatCount(n)}`).join(', ')})`}`,
      `  snapshots         ${dryRun ? 'would expire' : 'expired'} ${formatCount(garbage.expiredSnapshots)} older than ${formatDuration(policy.snapshotRetentionMs)}`,
      `  data files        ${verb} ${formatCount(garbage.unreferencedFiles.length)} unreferenced and ${formatCount(garbage.orphanedFiles.length)} orphaned file(s), past a ${formatDuration(policy.fileDeletionGraceMs)} grace period`,
      `  raw zone          ${verb} ${formatCount(raw.deleted)} curated and ${formatCount(raw.unconsumedDeleted)} never-consumed raw file(s); ${formatCount(raw.waiting)} past retention still wait for a group`,
    ];
    context.print(lines.join('\n'));
    if (dryRun) context.print('Nothing was deleted (--dry-run). `--json` lists every file.');
    return EXIT.ok;
  },
};

/**
 * The catalog attached for writing — also in a dry run, which commits nothing (DuckLake lists
 * orphaned files only on a writable catalog; the listing runs in a rolled-back transaction).
 */
async function openTables(context: CliContext): Promise<{ lakehouse: Lakehouse; tables: TableSpec[]; definitions: DefinitionCatalog }> {
  const definitions = await context.definitions();
  if (!context.catalogExists()) throw new CliError('NOT_FOUND', `There is no table catalog at ${context.config.catalog}: nothing has been curated yet.`);
  const lakehouse = await context.lakehouse({ readOnly: false });
  const tables: TableSpec[] = [];
  for (const spec of curatedTableSpecs(definitions)) if (await lakehouse.hasTable(spec.name)) tables.push(spec);
  return { lakehouse, tables, definitions };
}

function policyOf(config: CliConfig, definitions: DefinitionCatalog | null, tables: readonly TableSpec[]): MaintenancePolicy {
  const retention = definitions === null ? [] : tables.flatMap((table) => {
    const days = definitions.datasetNames().includes(table.name) ? definitions.dataset(table.name).retentionDays : undefined;
    return days === undefined ? [] : [[table.name, days * 86_400_000] as const];
  });
  return {
    targetFileBytes: config.compactTargetFileMb * 1024 * 1024,
    snapshotRetentionMs: config.snapshotRetentionMs,
    fileDeletionGraceMs: config.fileDeletionGraceMs,
    ...(retention.length === 0 ? {} : { retentionMs: Object.fromEntries(retention) }),
  };
}

