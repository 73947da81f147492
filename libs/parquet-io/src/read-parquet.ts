import type { ParquetEngine, PlainRow } from './engine';
import { readFailure } from './read-failure';
import { readParquetSchema } from './parquet-schema';
import { sqlIdentifier, sqlReadParquet } from './sql';

export interface ReadRowsOptions {
  /** At most this many rows (in file order). */
  readonly limit?: number;
}

/**
 * Rows of one Parquet file, in file order, as plain objects (see `ParquetEngine.all` for value
 * conversions). For big files prefer SQL over `read_parquet` through the engine.
 */
export async function readRows<T extends object = PlainRow>(
  engine: ParquetEngine,
  path: string,
  options: ReadRowsOptions = {},
): Promise<T[]> {
  const limit = options.limit === undefined ? '' : ` LIMIT ${Math.max(0, Math.trunc(options.limit))}`;
  try {
    return await engine.all<T>(`SELECT * FROM ${sqlReadParquet(path)}${limit}`);
  } catch (error) {
    throw await readFailure(error, path);
  }
}

export interface ReadableSummary {
  readonly rows: number;
  readonly columns: number;
}

/**
 * Proves a file is readable Parquet by decoding every value of every column (a hash over all
 * columns, so statistics cannot short-cut it). FILE_MISSING if absent, CORRUPT_FILE when a
 * truncated file, a missing footer or a broken page stops DuckDB. Costs one full scan.
 */
export async function assertReadable(engine: ParquetEngine, path: string): Promise<ReadableSummary> {
  const columns = await readParquetSchema(engine, path);
  const hashed = columns.length === 0 ? '0' : `hash(${columns.map((c) => sqlIdentifier(c.name)).join(', ')})`;
  try {
    const [summary] = await engine.all<{ n: number }>(
      `SELECT count(*) AS n, bit_xor(${hashed}) AS h FROM ${sqlReadParquet(path)}`,
    );
    return { rows: summary?.n ?? 0, columns: columns.length };
  } catch (error) {
    throw await readFailure(error, path);
  }
}
