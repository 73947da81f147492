import type { SqlSession } from '../engine';
import type { SparkRow, SparkTable } from './spark';
import { SparkInteropError } from './spark-errors';

/** DuckDB type → Spark's `simpleString()` for the types Parquet round-trips between them. */
const SPARK_TYPES: Readonly<Record<string, string>> = {
  VARCHAR: 'string',
  BIGINT: 'bigint',
  INTEGER: 'int',
  SMALLINT: 'smallint',
  TINYINT: 'tinyint',
  DOUBLE: 'double',
  FLOAT: 'float',
  BOOLEAN: 'boolean',
  DATE: 'date',
  BLOB: 'binary',
  'TIMESTAMP WITH TIME ZONE': 'timestamp',
  TIMESTAMP: 'timestamp_ntz',
};

/**
 * Runs `sql` in DuckDB and returns its result in the conventions of `SparkReader.read`, so the two
 * engines' answers compare with one `toEqual`: Spark's type names; top-level timestamps with six
 * fractional digits; decimals (exact up to 2^53 units of the scale, else it throws: cast to VARCHAR
 * in `sql`), blobs as hex and NaN/±Infinity as strings. Other values as `ParquetEngine.all` gives
 * them (BIGINT beyond ±(2^53−1) → string, dates `YYYY-MM-DD`), which Spark's already match. Row
 * order is the SQL's. Types without a Spark name here keep DuckDB's, lower-cased, and so fail a
 * schema comparison visibly.
 */
export async function readWithDuckDBAsSpark(session: Pick<SqlSession, 'all'>, sql: string): Promise<SparkTable> {
  const described = await session.all<{ column_name: string; column_type: string }>(`DESCRIBE ${sql}`);
  const rows = await session.all<Record<string, unknown>>(sql);
  return {
    schema: described.map((c) => ({ name: c.column_name, type: sparkType(c.column_type) })),
    rows: rows.map((row) => {
      const out: SparkRow = {};
      for (const c of described) out[c.column_name] = asSparkValue(row[c.column_name], c.column_type, c.column_name);
      return out;
    }),
  };
}

function sparkType(duckdb: string): string {
  const decimal = DECIMAL.exec(duckdb);
  if (decimal !== null) return `decimal(${decimal[1] ?? ''},${decimal[2] ?? ''})`;
  return SPARK_TYPES[duckdb] ?? duckdb.toLowerCase();
}

const DECIMAL = /^DECIMAL\((\d+),(\d+)\)$/;
const MILLISECONDS = /\.(\d{3})Z$/;

function asSparkValue(value: unknown, duckdb: string, column: string): unknown {
  if (value === null) return null;
  if (typeof value === 'number' && !Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  if (typeof value === 'string' && duckdb === 'TIMESTAMP WITH TIME ZONE') return value.replace(MILLISECONDS, '.$1000Z');
  if (typeof value === 'string' && duckdb === 'TIMESTAMP') return value.replace(MILLISECONDS, '.$1000Z').replace(/Z$/, '');
  const scale = DECIMAL.exec(duckdb)?.[2];
  if (typeof value === 'number' && scale !== undefined) {
    if (Math.abs(value) * 10 ** Number(scale) > Number.MAX_SAFE_INTEGER) {
      throw new SparkInteropError('INVALID_ARGUMENT', `DECIMAL column ${column} = ${value} does not fit a double exactly: CAST it AS VARCHAR in the SQL`, {
        context: { column },
      });
    }
    return value.toFixed(Number(scale));
  }
  return value;
}
