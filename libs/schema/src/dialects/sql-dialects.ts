import type { SqlEngine } from '../sources/dataset-mapping';
import { DUCKDB_DIALECT } from './duckdb-dialect';
import { SPARK_DIALECT } from './spark-dialect';
import type { SqlDialect } from './sql-dialect';

/** The dialect of each engine a mapping compiles to. */
export const SQL_DIALECTS: Readonly<Record<SqlEngine, SqlDialect>> = { duckdb: DUCKDB_DIALECT, spark: SPARK_DIALECT };
