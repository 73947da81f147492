import { sqlIdentifier, sqlString, type DefinitionCatalog } from '@fluxo/schema';
import type { Lakehouse } from '@fluxo/lakehouse';
import type { TableStatus } from './status-report';

/**
 * The curated tables of the catalog's current snapshot (schema `main`): rows, files, bytes and delete
 * files (catalog metadata, no data file read), the newest event time (answered from column
 * statistics), and the latest commit that inserted rows (from the snapshots the catalog still keeps;
 * else the snapshot of its newest data file).
 */
export async function collectTables(lakehouse: Lakehouse, definitions: DefinitionCatalog | null): Promise<TableStatus[]> {
  const engine = lakehouse.engine;
  const meta = lakehouse.metadata;
  const names = (
    await engine.all<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_catalog = ${sqlString(lakehouse.alias)} AND table_schema = 'main' AND table_type = 'BASE TABLE' ORDER BY 1`,
    )
  ).map((row) => row.table_name);
  const commits = await engine.all<{ name: string; snapshot_id: number; at: string }>(
    `WITH inserts AS (
       SELECT c.snapshot_id, CAST(unnest(regexp_extract_all(c.changes_made, 'inserted_into_table:(\\d+)', 1)) AS BIGINT) AS table_id
       FROM ${meta}.ducklake_snapshot_changes c),
     latest AS (SELECT table_id, max(snapshot_id) AS snapshot_id FROM inserts GROUP BY table_id),
     newest_file AS (SELECT table_id, max(begin_snapshot) AS snapshot_id FROM ${meta}.ducklake_data_file WHERE end_snapshot IS NULL GROUP BY table_id)
     SELECT t.table_name AS name, coalesce(l.snapshot_id, f.snapshot_id)::BIGINT AS snapshot_id, s.snapshot_time::TIMESTAMPTZ AS at
     FROM ${meta}.ducklake_table t
     JOIN ${meta}.ducklake_schema sc ON sc.schema_id = t.schema_id AND sc.end_snapshot IS NULL AND sc.schema_name = 'main'
     LEFT JOIN latest l ON l.table_id = t.table_id
     LEFT JOIN newest_file f ON f.table_id = t.table_id
     LEFT JOIN ${meta}.ducklake_snapshot s ON s.snapshot_id = coalesce(l.snapshot_id, f.snapshot_id)
     WHERE t.end_snapshot IS NULL`,
  );
  const commitOf = new Map(commits.map((row) => [row.name, row]));
  const tables: TableStatus[] = [];
  for (const name of names) {
    const files = await lakehouse.dataFiles(name);
    const column = eventTimeColumn(name, definitions);
    const [counts] = await engine.all<{ rows: number; newest: string | null }>(
      `SELECT count(*)::BIGINT AS rows, ${column === null ? 'NULL' : `max(${sqlIdentifier(column)})`} AS newest FROM ${lakehouse.table(name)}`,
    );
    const commit = commitOf.get(name);
    let lastCommit: TableStatus['lastCommit'] = null;
    if (commit?.snapshot_id !== undefined && commit.snapshot_id !== null) {
      const added = files.filter((file) => file.snapshotId === Number(commit.snapshot_id));
      lastCommit = {
        snapshotId: Number(commit.snapshot_id),
        at: commit.at === null ? NaN : Date.parse(commit.at),
        rows: added.length === 0 ? null : added.reduce((sum, file) => sum + file.rows, 0),
        files: added.length === 0 ? null : added.length,
      };
    }
    tables.push({
      name,
      rows: Number(counts?.rows ?? 0),
      files: files.length,
      bytes: files.reduce((sum, file) => sum + file.bytes, 0),
      deleteFiles: files.filter((file) => file.deleteFile !== null).length,
      eventTimeColumn: column,
      newestEventAt: counts?.newest === null || counts?.newest === undefined ? null : Date.parse(counts.newest),
      lastCommit,
    });
  }
  return tables;
}

/** The table's event-time column: its dataset's `partitionBy`, else the lineage `_fetched_at`. */
function eventTimeColumn(table: string, definitions: DefinitionCatalog | null): string | null {
  if (definitions !== null && definitions.datasetNames().includes(table)) return definitions.dataset(table).partitionBy;
  return '_fetched_at';
}
