import { basename } from 'node:path';
import { LINEAGE_SQL_TYPES, type CompiledMapping, type DatasetDefinition, type Logger } from '@fluxo/schema';
import { copyQueryToParquet, schemaFingerprint, sqlFilePath, sqlString, type Lake, type ParquetEngine } from '@fluxo/parquet-io';
import { curatedSelectSql, missingColumnsSql, requiredPredicate, type FileLineage } from './curated-sql';
import type { VersionLedger } from './version-ledger';

/** One curated file written for one event date of a raw file. */
export interface CuratedFile {
  readonly uri: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly rows: number;
  readonly eventDate: string;
  readonly minEventTime: string | null;
  readonly maxEventTime: string | null;
  readonly schemaFingerprint: string;
}

export interface CurationResult {
  readonly files: readonly CuratedFile[];
  /** Rows kept out because a required column was NULL after mapping, parked in quarantine. */
  readonly rejected: { readonly rows: number; readonly uri: string; readonly missing: Readonly<Record<string, number>> } | null;
  /** Versions this dataset already held from other raw files, skipped. */
  readonly alreadyCurated: number;
}

export interface CurateInput {
  readonly rawPath: string;
  readonly dataset: DatasetDefinition;
  readonly mapping: CompiledMapping;
  readonly lineage: FileLineage;
}

/**
 * Curates one verified raw file: maps and types every row, drops duplicate versions, parks rows
 * missing a required column in quarantine, skips versions curated before from other files, and
 * writes one Parquet file per event date under a name derived from the raw file, so a replay
 * overwrites its own output instead of duplicating it.
 */
export async function curateRawFile(
  deps: { readonly engine: ParquetEngine; readonly lake: Lake; readonly ledger: VersionLedger; readonly logger: Logger },
  input: CurateInput,
): Promise<CurationResult> {
  const { engine, lake, ledger } = deps;
  const { dataset, mapping, lineage } = input;
  const partitionColumn = dataset.partitionBy;
  const required = [...new Set([...mapping.columns.filter((c) => c.required).map((c) => c.name), partitionColumn])];
  const stem = `${lineage.source}-${basename(lineage.rawUri, '.parquet')}`;

  await engine.run(`CREATE OR REPLACE TEMP TABLE curate_batch AS ${curatedSelectSql(sqlFilePath(input.rawPath), mapping, lineage)}`);
  try {
    const { rejected, batchRows } = await quarantineRejected(deps, required, stem);
    await ledger.findCuratedElsewhere(dataset.name, lineage.rawUri, 'curate_batch', 'curate_elsewhere');
    await engine.run(
      `CREATE OR REPLACE TEMP TABLE curate_accepted AS SELECT b.* FROM curate_batch b WHERE ${requiredPredicate(required)} ` +
        `AND NOT EXISTS (SELECT 1 FROM curate_elsewhere e WHERE e._record_key = b._record_key AND e._record_version = b._record_version)`,
    );
    const dates = await engine.all<{ event_date: string; min_time: string; max_time: string }>(
      `SELECT CAST(CAST(${partitionColumn} AS DATE) AS VARCHAR) AS event_date, ` +
        `strftime(min(${partitionColumn}), '%Y-%m-%dT%H:%M:%S.%gZ') AS min_time, strftime(max(${partitionColumn}), '%Y-%m-%dT%H:%M:%S.%gZ') AS max_time ` +
        `FROM curate_accepted GROUP BY 1 ORDER BY 1`,
    );
    const files: CuratedFile[] = [];
    for (const { event_date: eventDate, min_time: minEventTime, max_time: maxEventTime } of dates) {
      const location = lake.curatedPath(dataset.name, eventDate, stem);
      const { staged, rows } = await copyQueryToParquet(engine, {
        sql: `SELECT * FROM curate_accepted WHERE CAST(${partitionColumn} AS DATE) = DATE ${sqlString(eventDate)} ORDER BY ${partitionColumn}, _record_key, _record_version`,
        finalPath: await lake.resolve(location.uri),
        overwrite: true,
      });
      await staged.commit();
      files.push({ uri: location.uri, sha256: staged.sha256, bytes: staged.bytes, rows, eventDate, minEventTime, maxEventTime, schemaFingerprint: curatedFingerprint(mapping) });
    }
    await ledger.record(dataset.name, lineage.rawUri, 'curate_accepted');
    const accepted = files.reduce((total, file) => total + file.rows, 0);
    return { files, rejected, alreadyCurated: batchRows - accepted - (rejected?.rows ?? 0) };
  } finally {
    await engine.run('DROP TABLE IF EXISTS curate_batch; DROP TABLE IF EXISTS curate_elsewhere; DROP TABLE IF EXISTS curate_accepted');
  }
}

async function quarantineRejected(
  deps: { readonly engine: ParquetEngine; readonly lake: Lake },
  required: readonly string[],
  stem: string,
): Promise<{ readonly rejected: CurationResult['rejected']; readonly batchRows: number }> {
  const { engine, lake } = deps;
  // One pass over the batch counts every row and, for incomplete ones, which columns they lack.
  const summary = await engine.all<{ missing: string; n: number }>(
    `SELECT ${missingColumnsSql(required)} AS missing, count(*)::INTEGER AS n FROM curate_batch GROUP BY 1 ORDER BY 1`,
  );
  const batchRows = summary.reduce((total, row) => total + row.n, 0);
  const incomplete = summary.filter((row) => row.missing !== '');
  if (incomplete.length === 0) return { rejected: null, batchRows };
  const rejectedSql = `SELECT ${missingColumnsSql(required)} AS _missing_columns, * FROM curate_batch WHERE NOT (${requiredPredicate(required)})`;
  const location = lake.quarantinePath('normalizer', new Date(), stem, 'parquet');
  const { staged, rows } = await copyQueryToParquet(engine, { sql: rejectedSql, finalPath: await lake.resolve(location.uri), overwrite: true });
  await staged.commit();
  return { rejected: { rows, uri: location.uri, missing: Object.fromEntries(incomplete.map((s) => [s.missing, s.n])) }, batchRows };
}

const fingerprints = new WeakMap<CompiledMapping, string>();

/** The curated schema every file of a mapping has: its columns in order, then the lineage columns. */
export function curatedFingerprint(mapping: CompiledMapping): string {
  let fingerprint = fingerprints.get(mapping);
  if (fingerprint === undefined) {
    fingerprint = schemaFingerprint([...mapping.columns.map((c) => ({ name: c.name, type: c.sqlType })), ...LINEAGE_SQL_TYPES.map((c) => ({ name: c.name, type: c.sqlType }))]);
    fingerprints.set(mapping, fingerprint);
  }
  return fingerprint;
}
