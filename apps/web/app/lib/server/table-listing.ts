import { sqlString } from '@fluxo/schema';
import type { Lakehouse } from '@fluxo/lakehouse';

export interface TableColumnInfo {
  readonly name: string;
  /** DuckDB's type name (`VARCHAR`, `TIMESTAMP WITH TIME ZONE`, `DOUBLE`…). */
  readonly type: string;
}

/** One curated table of the catalog's current snapshot, as the dashboard reads it. */
export interface CuratedTable {
  readonly name: string;
  /** DuckLake's table id (a table dropped and created again gets a new one). */
  readonly id: number;
  /** `fluxo.main."<name>"`, for SQL. */
  readonly source: string;
  /** `fluxo.main."<name>_latest"` (latest version per entity) when the catalog has that view, else null. */
  readonly latest: string | null;
  readonly columns: readonly TableColumnInfo[];
  /** Data files of the current snapshot, their bytes and rows (deleted rows subtracted): catalog metadata, no file is read. */
  readonly files: number;
  readonly bytes: number;
  readonly rows: number;
  /** Changes whenever the table's content or columns change: the key of cached query results. */
  readonly signature: string;
}

type Query = <T extends object>(sql: string) => Promise<T[]>;

/**
 * The tables of schema `main` (views excluded, `_latest` views noted), from information_schema and
 * DuckLake's metadata tables: a few small catalog queries, whatever the size of the data.
 */
export async function listTables(lakehouse: Lakehouse, query: Query): Promise<{ readonly tables: Map<string, CuratedTable>; readonly snapshot: number }> {
  const alias = sqlString(lakehouse.alias);
  // Read first: everything listed below is at least as new as this snapshot.
  const [current] = await query<{ id: number }>(`SELECT id::BIGINT AS id FROM ${lakehouse.alias}.current_snapshot()`);
  const snapshot = Number(current?.id ?? -1);
  const entries = await query<{ table_name: string; table_type: string }>(
    `SELECT table_name, table_type FROM information_schema.tables WHERE table_catalog = ${alias} AND table_schema = 'main'`,
  );
  const columns = await query<{ table_name: string; column_name: string; data_type: string }>(
    `SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_catalog = ${alias} AND table_schema = 'main' ORDER BY table_name, ordinal_position`,
  );
  const stats = await query<TableStatsRow>(tableStatsSql(lakehouse.metadata));
  // Rows a writer inlined into the catalog (DuckLake's default for small inserts; the normalizer turns
  // it off) change no data file: such tables are counted with count(*) and re-read at every snapshot.
  const inlined = new Set((await query<{ id: number }>(`SELECT DISTINCT table_id::BIGINT AS id FROM ${lakehouse.metadata}.ducklake_inlined_data_tables`)).map((row) => Number(row.id)));
  const views = new Set(entries.filter((entry) => entry.table_type === 'VIEW').map((entry) => entry.table_name));
  const statsByName = new Map(stats.map((row) => [row.name, row]));
  const tables = new Map<string, CuratedTable>();
  for (const entry of entries.filter((candidate) => candidate.table_type === 'BASE TABLE').sort((a, b) => a.table_name.localeCompare(b.table_name))) {
    const name = entry.table_name;
    const row = statsByName.get(name);
    const own = columns.filter((column) => column.table_name === name).map((column) => ({ name: column.column_name, type: column.data_type }));
    const hasInlined = row !== undefined && inlined.has(Number(row.id));
    const rows = hasInlined ? Number((await query<{ n: number }>(`SELECT count(*)::BIGINT AS n FROM ${lakehouse.table(name)}`))[0]?.n ?? 0) : Number(row?.rows ?? 0);
    tables.set(name, {
      name,
      id: Number(row?.id ?? -1),
      source: lakehouse.table(name),
      latest: views.has(`${name}_latest`) ? lakehouse.table(`${name}_latest`) : null,
      columns: own,
      files: Number(row?.files ?? 0),
      bytes: Number(row?.bytes ?? 0),
      rows,
      signature:
        row === undefined
          ? `pending:${own.length}`
          : [row.id, row.files, row.last_file, row.delete_files, row.last_delete, rows, row.last_column, own.length, hasInlined ? `inlined@${snapshot}` : '']
              .map(String)
              .join(':'),
    });
  }
  return { tables, snapshot };
}

interface TableStatsRow {
  readonly id: number;
  readonly name: string;
  readonly files: number;
  readonly bytes: number;
  readonly rows: number;
  readonly last_file: number;
  readonly delete_files: number;
  readonly last_delete: number;
  readonly last_column: number;
}

/**
 * Per live table of schema `main`: its data files (count, bytes, rows minus deleted rows) and the
 * newest file, delete file and column change. File ids only grow, so the newest id changes with every
 * insert, compaction or rewrite.
 */
function tableStatsSql(meta: string): string {
  return `
    WITH t AS (
      SELECT t.table_id, t.table_name FROM ${meta}.ducklake_table t
      JOIN ${meta}.ducklake_schema s ON s.schema_id = t.schema_id AND s.end_snapshot IS NULL
      WHERE t.end_snapshot IS NULL AND s.schema_name = 'main'),
    f AS (
      SELECT table_id, count(*) AS files, sum(file_size_bytes) AS bytes, sum(record_count) AS records, max(data_file_id) AS last_file
      FROM ${meta}.ducklake_data_file WHERE end_snapshot IS NULL GROUP BY table_id),
    d AS (
      SELECT table_id, count(*) AS delete_files, sum(delete_count) AS deleted, max(delete_file_id) AS last_delete
      FROM ${meta}.ducklake_delete_file WHERE end_snapshot IS NULL GROUP BY table_id),
    c AS (
      SELECT table_id, max(greatest(begin_snapshot, coalesce(end_snapshot, 0))) AS last_column FROM ${meta}.ducklake_column GROUP BY table_id)
    SELECT t.table_id::BIGINT AS id, t.table_name AS name,
           coalesce(f.files, 0)::BIGINT AS files, coalesce(f.bytes, 0)::BIGINT AS bytes,
           (coalesce(f.records, 0) - coalesce(d.deleted, 0))::BIGINT AS rows, coalesce(f.last_file, -1)::BIGINT AS last_file,
           coalesce(d.delete_files, 0)::BIGINT AS delete_files, coalesce(d.last_delete, -1)::BIGINT AS last_delete,
           coalesce(c.last_column, -1)::BIGINT AS last_column
    FROM t LEFT JOIN f ON f.table_id = t.table_id LEFT JOIN d ON d.table_id = t.table_id LEFT JOIN c ON c.table_id = t.table_id`;
}
