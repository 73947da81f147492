import { basename } from 'node:path';
import { driftColumns, missingColumnsSql, requiredColumns, requiredPredicate, sqlIdentifier, type CompiledMapping, type DatasetDefinition, type FileLineage } from '@fluxo/schema';
import { copyQueryToParquet, type Lake, type ParquetEngine } from '@fluxo/parquet-io';
import { DUCKDB_CURATE_ENGINE, type CurateEngine } from './curate-engine';

/** Per column read by path: rows of one raw file whose path was absent, and whose value did not cast. */
export interface FileDrift {
  readonly rows: number;
  readonly columns: readonly { readonly column: string; readonly path: string; readonly absent: number; readonly invalid: number }[];
}

export interface StageInput {
  readonly rawPath: string;
  readonly dataset: DatasetDefinition;
  readonly mapping: CompiledMapping;
  readonly lineage: FileLineage;
  /**
   * Temp table this file's rows are staged in (created here, left for the commit to read through
   * `StagedRows.acceptedSql`, dropped by the caller; dropped here when staging fails).
   */
  readonly stagingTable: string;
  /**
   * Called right after the one statement that reads the raw file, before its rows are used: throws
   * when the file read may not be the file verified (`VerifiedFile.assertUnchanged`).
   */
  readonly afterRead?: () => Promise<void>;
}

export interface StagedRows {
  /** Rows the raw file held (after dropping duplicate versions inside the file). */
  readonly rows: number;
  /** Rows the commit takes from the staging table. */
  readonly accepted: number;
  /** `SELECT …` of the accepted rows with the curated table's columns (drift flags left out): what the commit appends. */
  readonly acceptedSql: string;
  /** Rows kept out because a required column was NULL after mapping, parked in quarantine. */
  readonly rejected: { readonly rows: number; readonly uri: string; readonly missing: Readonly<Record<string, number>> } | null;
  readonly drift: FileDrift;
  /** Earliest `fetched_at` of the file's rows (ms since the epoch): where end-to-end latency starts. Null for an empty file. */
  readonly fetchedAtMs: number | null;
}

/**
 * Maps and types every row of one verified raw file into a staging table of its own; rows missing a required column (the event time included) go to a quarantine Parquet
 * file named after the raw file, so a replay rewrites it instead of adding another. The raw file
 * is read once, into the staging table; the accepted rows are never copied again before the commit
 * appends them (all files of a batch at once) — a batch's memory is one copy of its rows.
 */
export async function stageRawFile(deps: { readonly engine: ParquetEngine; readonly lake: Lake; readonly curate?: CurateEngine }, input: StageInput): Promise<StagedRows> {
  const { engine } = deps;
  const { dataset, mapping, lineage } = input;
  const required = requiredColumns(dataset, mapping);
  const stem = `${lineage.source}-${basename(lineage.rawUri, '.parquet')}`;
  const flags = driftColumns(mapping);
  const columns = flags.length === 0 ? '*' : `* EXCLUDE (${flags.flatMap((f) => [f.absent, f.invalid]).join(', ')})`;
  const staging = sqlIdentifier(input.stagingTable);
  const curated = await (deps.curate ?? DUCKDB_CURATE_ENGINE).curatedRows({ rawPath: input.rawPath, mapping, lineage });
  try {
    await engine.run(`CREATE OR REPLACE TEMP TABLE ${staging} AS ${curated.sql}`);
  } finally {
    await curated.release();
  }
  try {
    await input.afterRead?.();
    const summary = await summarize(engine, staging, flags, required);
    const rejected = await quarantineRejected(deps, summary, staging, required, stem, columns);
    const acceptedSql = `SELECT ${columns} FROM ${staging} WHERE ${requiredPredicate(required)}`;
    return { rows: summary.drift.rows, accepted: summary.drift.rows - (rejected?.rows ?? 0), acceptedSql, rejected, drift: summary.drift, fetchedAtMs: summary.fetchedAtMs };
  } catch (error) {
    await engine.run(`DROP TABLE IF EXISTS ${staging}`);
    throw error;
  }
}

/** What one pass over a staged file finds: its drift, earliest fetch time, and rows per set of missing required columns. */
interface FileSummary {
  readonly drift: FileDrift;
  readonly fetchedAtMs: number | null;
  /** Rows lacking required columns, per comma-separated list of the columns they lack (complete rows are not listed). */
  readonly incomplete: readonly { readonly missing: string; readonly rows: number }[];
}

/**
 * One pass over the staged file: rows grouped by the required columns they lack, with per group
 * the earliest fetch time and, per path-mapped column, the rows where its path was absent or its
 * value did not cast (summed over the groups into the file's drift).
 */
async function summarize(engine: ParquetEngine, staging: string, flags: ReturnType<typeof driftColumns>, required: readonly string[]): Promise<FileSummary> {
  const counts = flags.flatMap((f, i) => [`count_if(${f.absent})::INTEGER AS "a${i}"`, `count_if(${f.invalid})::INTEGER AS "i${i}"`]);
  const groups = await engine.all<Record<string, number | string | null>>(
    `SELECT ${[`${missingColumnsSql(required)} AS missing`, 'count(*)::INTEGER AS n', 'epoch_ms(min(_fetched_at))::DOUBLE AS fetched', ...counts].join(', ')} FROM ${staging} GROUP BY 1 ORDER BY 1`,
  );
  const sum = (column: string) => groups.reduce((total, group) => total + Number(group[column] ?? 0), 0);
  const fetched = groups.map((group) => group['fetched']).filter((value) => value !== null && value !== undefined).map(Number);
  return {
    drift: { rows: sum('n'), columns: flags.map((f, i) => ({ column: f.column, path: f.path, absent: sum(`a${i}`), invalid: sum(`i${i}`) })) },
    fetchedAtMs: fetched.length === 0 ? null : Math.min(...fetched),
    incomplete: groups.filter((group) => group['missing'] !== '').map((group) => ({ missing: String(group['missing']), rows: Number(group['n']) })),
  };
}

/** Writes the file's incomplete rows to a quarantine Parquet file named after the raw file (a replay overwrites it); null when every row is complete. */
async function quarantineRejected(
  deps: { readonly engine: ParquetEngine; readonly lake: Lake },
  summary: FileSummary,
  staging: string,
  required: readonly string[],
  stem: string,
  columns: string,
): Promise<StagedRows['rejected']> {
  if (summary.incomplete.length === 0) return null;
  const { engine, lake } = deps;
  const rejectedSql = `SELECT ${missingColumnsSql(required)} AS _missing_columns, ${columns} FROM ${staging} WHERE NOT (${requiredPredicate(required)})`;
  const location = lake.quarantinePath('normalizer', new Date(), stem, 'parquet');
  const { staged, rows: rejectedRows } = await copyQueryToParquet(engine, { sql: rejectedSql, finalPath: await lake.resolve(location.uri), overwrite: true });
  await staged.commit();
  return { rows: rejectedRows, uri: location.uri, missing: Object.fromEntries(summary.incomplete.map((group) => [group.missing, group.rows])) };
}
