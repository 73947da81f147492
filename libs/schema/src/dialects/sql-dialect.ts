import type { ColumnType } from '../sources/dataset-definition';
import type { SqlEngine } from '../sources/dataset-mapping';
import type { TimeFormat } from '../sources/source-definition';

/**
 * What differs between the SQL engines a mapping compiles to. The compiler
 * (`sources/compile-mapping.ts`) and the curated SELECT (`sources/curated-sql.ts`) are written once
 * against this interface; each engine implements it in one file (`duckdb-dialect.ts`,
 * `spark-dialect.ts`). Pure string building: no engine is imported here.
 *
 * Conversion rules every dialect implements alike (pinned by the golden tests that curate the same
 * raw files with DuckDB and with Spark, apps/normalizer `two-dialects.int-spec.ts`):
 * - a value that does not convert becomes NULL (a *try* cast), never an error;
 * - `integer` from text or a number: the value read as a decimal (18 fractional digits) when it is
 *   integral and fits 64 bits, otherwise NULL — `"4.5"` is NULL (DuckDB alone rounded it to 5, Spark
 *   gave NULL), `"5.0"` and `"1e3"` are 5 and 1000;
 * - `epoch_ms` is that integer as milliseconds; `epoch_s` a decimal number of seconds rounded to the
 *   microsecond; `iso8601` a UTC instant (an offset is applied, none means UTC);
 * - timestamps are UTC with microseconds.
 */
/**
 * The text of a plain integer (optional sign, digits): every dialect casts it to BIGINT directly;
 * only other forms go through the decimal rule above, whose 128-bit arithmetic costs ~30× more.
 */
export const PLAIN_INTEGER_PATTERN = '[+-]?[0-9]+';

export interface SqlDialect {
  readonly engine: SqlEngine;
  /** A quoted identifier. */
  identifier(name: string): string;
  /** A string literal. */
  string(value: string): string;
  /** The engine type of a column type. */
  type(type: ColumnType): string;
  /**
   * Select items that extract every listed JSON path of one raw JSON text column (`record`,
   * `context`), and the expression that reads the i-th extracted value (text, NULL when the path is
   * absent or JSON null). Added to the raw relation's columns in a subquery named `raw`.
   */
  jsonExtractions(column: 'record' | 'context', jsonPaths: readonly string[]): { readonly items: readonly string[]; readonly value: (index: number) => string };
  /** True when `jsonPath` is absent from the JSON text in `column` (JSON null is present). */
  jsonPathAbsent(column: 'record' | 'context', jsonPath: string): string;
  /** `value` (text or any engine value) converted to `type` by the shared rules; NULL when it does not convert. */
  convert(value: string, type: ColumnType): string;
  /** Text decoded as a UTC timestamp in `format`. */
  timestamp(value: string, format: TimeFormat): string;
  /** The SELECT keeping the first row per partition in `order`: `QUALIFY`, or a ranked subquery. */
  firstPerGroup(select: { readonly items: readonly { readonly sql: string; readonly name: string }[]; readonly from: string; readonly partitionBy: string; readonly orderBy: string }): string;
  /** The relation of one Parquet file (an absolute local or cluster path, no glob characters). */
  parquetFile(path: string): string;
}
