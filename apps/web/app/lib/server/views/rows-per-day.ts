import { sqlString } from '@fluxo/schema';
import type { Lakehouse } from '@fluxo/lakehouse';
import type { LakeData } from '../lake-data';
import type { CuratedTable } from '../table-listing';

const DAY_MS = 86_400_000;

/**
 * Non-null rows per UTC day of `timeColumn`, from the catalog alone: each data file's row and null
 * counts and its min/max statistics of that column. Exact when every file lies within one UTC day (the
 * curated tables are partitioned by day) and no file has deleted rows; otherwise null, and the caller
 * scans the table instead.
 */
export async function rowsPerDay(lake: LakeData, lakehouse: Lakehouse, table: CuratedTable, timeColumn: string): Promise<Map<number, number> | null> {
  const meta = lakehouse.metadata;
  const files = await lake.query<{ records: number; nulls: number | null; lo: string | null; hi: string | null; deletes: number }>(
    `WITH col AS (SELECT column_id FROM ${meta}.ducklake_column WHERE table_id = ${table.id} AND column_name = ${sqlString(timeColumn)} AND end_snapshot IS NULL),
          del AS (SELECT data_file_id, count(*) AS n FROM ${meta}.ducklake_delete_file WHERE table_id = ${table.id} AND end_snapshot IS NULL GROUP BY 1)
     SELECT f.record_count::BIGINT AS records, s.null_count::BIGINT AS nulls, TRY_CAST(s.min_value AS TIMESTAMPTZ) AS lo, TRY_CAST(s.max_value AS TIMESTAMPTZ) AS hi,
            coalesce(del.n, 0)::BIGINT AS deletes
     FROM ${meta}.ducklake_data_file f
     LEFT JOIN ${meta}.ducklake_file_column_stats s ON s.data_file_id = f.data_file_id AND s.column_id = (SELECT column_id FROM col)
     LEFT JOIN del ON del.data_file_id = f.data_file_id
     WHERE f.table_id = ${table.id} AND f.end_snapshot IS NULL`,
  );
  const days = new Map<number, number>();
  for (const file of files) {
    if (Number(file.deletes) > 0 || file.nulls === null) return null;
    const rows = Number(file.records) - Number(file.nulls);
    if (rows === 0) continue;
    if (file.lo === null || file.hi === null) return null;
    const day = Math.floor(Date.parse(file.lo) / DAY_MS) * DAY_MS;
    if (Math.floor(Date.parse(file.hi) / DAY_MS) * DAY_MS !== day) return null;
    days.set(day, (days.get(day) ?? 0) + rows);
  }
  return days;
}

/** Day counts summed into buckets of `bucketMs` (a whole number of days, aligned to the epoch like the SQL buckets). */
export function bucketDays(days: ReadonlyMap<number, number>, bucketMs: number): { at: string; rows: number }[] {
  const buckets = new Map<number, number>();
  for (const [day, rows] of days) {
    const at = Math.floor(day / bucketMs) * bucketMs;
    buckets.set(at, (buckets.get(at) ?? 0) + rows);
  }
  return [...buckets.entries()].sort(([a], [b]) => a - b).map(([at, rows]) => ({ at: new Date(at).toISOString(), rows }));
}
