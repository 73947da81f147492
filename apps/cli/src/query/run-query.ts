import { resolve } from 'node:path';
import { sqlString } from '@fluxo/schema';
import { sqlFilePath, toPlainValue, type ParquetEngine, type PlainValue } from '@fluxo/parquet-io';
import type { Lakehouse } from '@fluxo/lakehouse';
import { CliError } from '../errors';

/**
 * Locks the engine down for a user's query over the curated tables: the catalog is attached
 * read-only, `USE fluxo.main` lets tables be named bare, and DuckDB may touch no file or network
 * resource but the tables' data files (and the one output file asked for) — `COPY … TO` elsewhere,
 * `read_csv('/etc/passwd')`, `ATTACH`, `INSTALL` are refused by DuckDB itself; the configuration is
 * locked so the query cannot undo it.
 */
export async function sandbox(engine: ParquetEngine, lakehouse: Lakehouse, options: { readonly outputPath?: string }): Promise<void> {
  await engine.run(`USE ${lakehouse.alias}.main`);
  const directories = [lakehouse.dataPath.endsWith('/') ? lakehouse.dataPath : `${lakehouse.dataPath}/`];
  await engine.run(`SET allowed_directories = [${directories.map(sqlString).join(', ')}]`);
  if (options.outputPath !== undefined) await engine.run(`SET allowed_paths = [${sqlString(options.outputPath)}]`);
  await engine.run('SET enable_external_access = false');
  await engine.run('SET lock_configuration = true');
}

/** Exactly one statement (a trailing `;` is fine); returns it without the trailing `;`. */
export async function singleStatement(engine: ParquetEngine, sql: string): Promise<string> {
  const count = await engine.withConnection('extract statements', async (connection) => (await connection.extractStatements(sql)).count);
  if (count !== 1) throw new CliError('USAGE', `fluxo query runs exactly one SQL statement (got ${count})`, { hints: ['Quote the SQL as one shell argument: fluxo query "SELECT …"'] });
  return sql.trim().replace(/;\s*$/, '');
}

/**
 * Runs the statement and hands its rows over chunk by chunk (DuckDB's vectors, ~2048 rows), as plain
 * values; stops early when `onRows` returns false. Resolves with the column names.
 */
export async function streamQuery(engine: ParquetEngine, sql: string, onColumns: (columns: readonly string[]) => void, onRows: (rows: PlainValue[][]) => boolean | Promise<boolean>): Promise<void> {
  await engine.withConnection(sql, async (connection) => {
    const result = await connection.stream(sql);
    onColumns(result.columnNames());
    for (let chunk = await result.fetchChunk(); chunk !== null && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
      const rows = chunk.getRows().map((row) => row.map((value) => toPlainValue(value)));
      if (!(await onRows(rows))) break;
    }
  });
}

/** `COPY (<query>) TO '<path>' (FORMAT parquet, COMPRESSION zstd)`; returns the rows written. */
export async function copyToParquet(engine: ParquetEngine, query: string, path: string): Promise<number> {
  const [row] = await engine.all<{ Count: number }>(`COPY (${query}) TO ${sqlFilePath(resolve(path))} (FORMAT parquet, COMPRESSION zstd)`);
  return Number(row?.Count ?? 0);
}
