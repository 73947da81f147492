/** Test helpers for any project using parquet-io: temp lakes, a small engine, raw rows, pyarrow and Spark interop. */
export { createTempLake, openTestEngine, type TempLake } from './testing/temp-lake';
export { aRawRow, someRawRows } from './testing/raw-rows';
export { inspectWithPyarrow, pythonExecutable, type PyarrowInspection } from './testing/pyarrow';
export {
  readWithSpark,
  SparkReader,
  SparkInteropError,
  PYSPARK_SETUP_HINT,
  type SparkColumn,
  type SparkInteropErrorCode,
  type SparkRead,
  type SparkReaderOptions,
  type SparkReadOptions,
  type SparkRow,
  type SparkSchemaField,
  type SparkTable,
} from './testing/spark';
export { readWithDuckDBAsSpark } from './testing/duckdb-as-spark';
