/** Test helpers for any project using parquet-io: temp lakes, a small engine, raw rows, pyarrow interop. */
export { createTempLake, openTestEngine, type TempLake } from './testing/temp-lake';
export { aRawRow, someRawRows } from './testing/raw-rows';
export { inspectWithPyarrow, pythonExecutable, PYARROW_SETUP_HINT, type PyarrowInspection } from './testing/pyarrow';
