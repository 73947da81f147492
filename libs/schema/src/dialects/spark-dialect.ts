import { SchemaError } from '../errors';
import type { ColumnType } from '../sources/dataset-definition';
import type { TimeFormat } from '../sources/source-definition';
import { checkedFilePath } from './duckdb-dialect';
import { PLAIN_INTEGER_PATTERN, type SqlDialect } from './sql-dialect';

const TYPES: Readonly<Record<ColumnType, string>> = {
  string: 'STRING',
  double: 'DOUBLE',
  integer: 'BIGINT',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMP',
  date: 'DATE',
};

/** A Spark SQL identifier: backticks, doubled inside. */
function sparkIdentifier(name: string): string {
  refuseNul(name);
  if (name.length === 0) throw new SchemaError('INVALID_SQL_LITERAL', 'an SQL identifier must not be empty');
  return `\`${name.replaceAll('`', '``')}\``;
}

/** A Spark SQL string literal: Spark reads backslash escapes, so backslashes and quotes are escaped. */
function sparkString(value: string): string {
  refuseNul(value);
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

function refuseNul(value: string): void {
  if (value.includes('\0')) throw new SchemaError('INVALID_SQL_LITERAL', 'Spark SQL text contains a NUL character');
}

/**
 * The text at a JSON path, NULL for JSON null as DuckDB's `json_extract_string` gives it: Spark's
 * `get_json_object` answers the text `null` for a null array element (`$.tags[0]` of `[null]`,
 * measured on 4.1.4), so a path ending in an index tells that apart from the string `"null"`.
 */
function jsonText(column: 'record' | 'context', path: string): string {
  const text = `get_json_object(${sparkIdentifier(column)}, ${sparkString(path)})`;
  if (!path.endsWith(']')) return text;
  return `CASE WHEN ${text} = 'null' AND is_variant_null(try_variant_get(try_parse_json(${sparkIdentifier(column)}), ${sparkString(path)}, 'variant')) THEN NULL ELSE ${text} END`;
}

/**
 * Spark SQL (4.1, through Spark Connect; session time zone UTC, ANSI mode as by default):
 * `get_json_object` once per path (0-based arrays like DuckDB's), `STRING` / `TIMESTAMP`,
 * `timestamp_millis`, and a ranked subquery instead of `QUALIFY` (not in Spark 4.1). Writing Parquet
 * needs `spark.sql.parquet.outputTimestampType=TIMESTAMP_MICROS` (Spark writes INT96 otherwise).
 */
export const SPARK_DIALECT: SqlDialect = {
  engine: 'spark',
  identifier: sparkIdentifier,
  string: sparkString,
  type: (type) => TYPES[type],
  jsonExtractions: (column, jsonPaths) => ({
    items: jsonPaths.map((path, index) => `${jsonText(column, path)} AS ${sparkIdentifier(`_${column}_${index}`)}`),
    value: (index) => sparkIdentifier(`_${column}_${index}`),
  }),
  // get_json_object gives NULL for JSON null too; a variant keeps JSON null apart from absence
  jsonPathAbsent: (column, jsonPath) => `try_variant_get(try_parse_json(${sparkIdentifier(column)}), ${sparkString(jsonPath)}, 'variant') IS NULL`,
  convert: (value, type) => {
    if (type !== 'integer') return `try_cast(${value} AS ${TYPES[type]})`;
    // try_cast(… AS BIGINT) of a decimal truncates it: integral values only (see SqlDialect); a
    // plain integer is cast directly, other forms ("1e3", "4.0") through DECIMAL(38, 18)
    const decimal = `try_cast(${value} AS DECIMAL(38, 18))`;
    return `CASE WHEN cast(${value} AS STRING) RLIKE ${sparkString(`^${PLAIN_INTEGER_PATTERN}$`)} THEN try_cast(${value} AS BIGINT) ELSE try_cast(CASE WHEN ${decimal} = floor(${decimal}) THEN ${decimal} END AS BIGINT) END`;
  },
  timestamp: (value, format: TimeFormat) => {
    switch (format) {
      case 'epoch_ms':
        return `timestamp_millis(${SPARK_DIALECT.convert(value, 'integer')})`;
      case 'epoch_s':
        return `timestamp_micros(try_cast(round(try_cast(${value} AS DOUBLE) * 1000000) AS BIGINT))`;
      case 'iso8601':
        return `try_cast(${value} AS TIMESTAMP)`;
    }
  },
  firstPerGroup: ({ items, from, partitionBy, orderBy }) => {
    const rank = sparkIdentifier('__first');
    return [
      `SELECT ${items.map((item) => sparkIdentifier(item.name)).join(', ')}`,
      `FROM (SELECT ${items.map((item) => `${item.sql} AS ${sparkIdentifier(item.name)}`).join(',\n       ')},`,
      `       row_number() OVER (PARTITION BY ${partitionBy} ORDER BY ${orderBy}) AS ${rank}`,
      `      FROM ${from}) AS ranked`,
      `WHERE ${rank} = 1`,
    ].join('\n');
  },
  parquetFile: (path) => `parquet.${sparkIdentifier(checkedFilePath(path))}`,
};
