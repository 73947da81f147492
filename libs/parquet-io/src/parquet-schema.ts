import { createHash } from 'node:crypto';
import type { ParquetEngine } from './engine';
import { ParquetIoError } from './errors';
import { readFailure } from './read-failure';
import { sqlReadParquet } from './sql';

/** One column as DuckDB names its type (`VARCHAR`, `TIMESTAMP WITH TIME ZONE`, `DECIMAL(9,3)`…). */
export interface ColumnSchema {
  readonly name: string;
  readonly type: string;
}

/** DuckDB's aliases for the types we use, mapped to the names `DESCRIBE` prints. */
const TYPE_ALIASES: Readonly<Record<string, string>> = {
  TIMESTAMPTZ: 'TIMESTAMP WITH TIME ZONE',
  STRING: 'VARCHAR',
  TEXT: 'VARCHAR',
  INT: 'INTEGER',
  INT4: 'INTEGER',
  INT8: 'BIGINT',
  LONG: 'BIGINT',
  FLOAT8: 'DOUBLE',
  FLOAT4: 'FLOAT',
  REAL: 'FLOAT',
  BOOL: 'BOOLEAN',
};

/** Upper case, single spaces, aliases resolved: `timestamptz` → `TIMESTAMP WITH TIME ZONE`. */
export function canonicalType(type: string): string {
  const normalized = type.trim().replace(/\s+/g, ' ').toUpperCase();
  return TYPE_ALIASES[normalized] ?? normalized;
}

/**
 * sha256 (lowercase hex) of the canonical column list: one `name TYPE` line per column, in file
 * order, each ending in `\n`. Nullability is not part of it (Parquet readers disagree about it).
 */
export function schemaFingerprint(columns: readonly ColumnSchema[]): string {
  const canonical = columns.map((column) => `${column.name} ${canonicalType(column.type)}\n`).join('');
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/** Columns of a Parquet file as DuckDB reads them. FILE_MISSING / CORRUPT_FILE on bad input. */
export async function readParquetSchema(engine: ParquetEngine, path: string): Promise<ColumnSchema[]> {
  const sql = `DESCRIBE SELECT * FROM ${sqlReadParquet(path)}`;
  try {
    const rows = await engine.all<{ column_name: string; column_type: string }>(sql);
    return rows.map((row) => ({ name: row.column_name, type: row.column_type }));
  } catch (error) {
    throw await readFailure(error, path);
  }
}

export async function fingerprintOf(engine: ParquetEngine, path: string): Promise<string> {
  return schemaFingerprint(await readParquetSchema(engine, path));
}

/** Fails with SCHEMA_MISMATCH (expected and actual column lists in context) unless the file has exactly `expected`. */
export async function assertSchema(engine: ParquetEngine, path: string, expected: readonly ColumnSchema[]): Promise<void> {
  const actual = await readParquetSchema(engine, path);
  if (schemaFingerprint(actual) !== schemaFingerprint(expected)) {
    const show = (columns: readonly ColumnSchema[]) => columns.map((c) => `${c.name} ${canonicalType(c.type)}`);
    throw new ParquetIoError('SCHEMA_MISMATCH', `${path} does not have the expected columns`, {
      context: { path, expected: show(expected), actual: show(actual) },
    });
  }
}
