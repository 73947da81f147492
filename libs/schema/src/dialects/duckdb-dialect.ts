import { SchemaError } from '../errors';
import { sqlIdentifier, sqlString } from '../sql/sql-literals';
import type { ColumnType } from '../sources/dataset-definition';
import type { TimeFormat } from '../sources/source-definition';
import { PLAIN_INTEGER_PATTERN, type SqlDialect } from './sql-dialect';

const TYPES: Readonly<Record<ColumnType, string>> = {
  string: 'VARCHAR',
  double: 'DOUBLE',
  integer: 'BIGINT',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMPTZ',
  date: 'DATE',
};

/**
 * DuckDB (1.5, embedded): every JSON path of a raw column in one `json_extract_string(column,
 * [paths])` call (the record is parsed once per row), `TIMESTAMPTZ`, `epoch_ms`, `QUALIFY`.
 */
export const DUCKDB_DIALECT: SqlDialect = {
  engine: 'duckdb',
  identifier: sqlIdentifier,
  string: sqlString,
  type: (type) => TYPES[type],
  jsonExtractions: (column, jsonPaths) => ({
    items: jsonPaths.length === 0 ? [] : [`json_extract_string(${sqlIdentifier(column)}, [${jsonPaths.map(sqlString).join(', ')}]) AS ${sqlIdentifier(`_${column}`)}`],
    value: (index) => `${sqlIdentifier(`_${column}`)}[${index + 1}]`,
  }),
  jsonPathAbsent: (column, jsonPath) => `json_extract(${sqlIdentifier(column)}, ${sqlString(jsonPath)}) IS NULL`,
  convert: (value, type) => {
    if (type !== 'integer') return `TRY_CAST(${value} AS ${TYPES[type]})`;
    // TRY_CAST(… AS BIGINT) alone would round 4.5 to 5: integral values only, a plain integer cast directly (see SqlDialect)
    const decimal = `TRY_CAST(${value} AS DECIMAL(38, 18))`;
    return `CASE WHEN regexp_full_match(CAST(${value} AS VARCHAR), ${sqlString(`^${PLAIN_INTEGER_PATTERN}$`)}) THEN TRY_CAST(${value} AS BIGINT) ELSE TRY_CAST(CASE WHEN ${decimal} = floor(${decimal}) THEN ${decimal} END AS BIGINT) END`;
  },
  timestamp: (value, format: TimeFormat) => {
    switch (format) {
      case 'epoch_ms':
        return `CAST(epoch_ms(${DUCKDB_DIALECT.convert(value, 'integer')}) AS TIMESTAMPTZ)`;
      case 'epoch_s':
        return `to_timestamp(TRY_CAST(${value} AS DOUBLE))`;
      case 'iso8601':
        return `TRY_CAST(${value} AS TIMESTAMPTZ)`;
    }
  },
  firstPerGroup: ({ items, from, partitionBy, orderBy }) =>
    [
      `SELECT ${items.map((item) => `${item.sql} AS ${sqlIdentifier(item.name)}`).join(',\n       ')}`,
      `FROM ${from}`,
      `QUALIFY row_number() OVER (PARTITION BY ${partitionBy} ORDER BY ${orderBy}) = 1`,
    ].join('\n'),
  parquetFile: (path) => `read_parquet(${sqlString(checkedFilePath(path))})`,
};

/** Characters file readers expand as globs (DuckDB's and Hadoop's alike). */
const GLOB_CHARACTERS = /[*?[\]{}]/;

/** An object URL of a lake on S3: `s3://` (DuckDB's httpfs) or `s3a://` (Spark's Hadoop S3A), bucket then key. */
const OBJECT_URL = /^s3a?:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/./;

/** An absolute path or an S3 object URL, without glob characters, or INVALID_SQL_LITERAL. */
export function checkedFilePath(path: string): string {
  if (!(path.startsWith('/') || OBJECT_URL.test(path)) || GLOB_CHARACTERS.test(path)) {
    throw new SchemaError('INVALID_SQL_LITERAL', `a file path in generated SQL must be absolute (or an s3:// object URL) and free of glob characters: ${JSON.stringify(path)}`);
  }
  return path;
}
