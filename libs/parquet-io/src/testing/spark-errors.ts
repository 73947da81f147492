import { FluxoError, type FluxoErrorOptions } from '@fluxo/schema';

/**
 * | code | meaning |
 * |---|---|
 * | `PYTHON_MISSING` | the interpreter (`$FLUXO_PYTHON`) does not exist |
 * | `PYSPARK_MISSING` | it exists but cannot import pyspark |
 * | `START_FAILED` | the JVM or the SparkSession did not start (no Java 17+, out of memory…) |
 * | `READ_FAILED` | Spark rejected a read or query; the session lives on |
 * | `TIMEOUT` | start or read exceeded its deadline; the session was stopped |
 * | `SESSION_CLOSED` | the reader was used after `close()` or after Python exited |
 * | `INVALID_ARGUMENT` | a caller bug: no files, relative or glob-like paths, a bad view name |
 */
export type SparkInteropErrorCode = 'PYTHON_MISSING' | 'PYSPARK_MISSING' | 'START_FAILED' | 'READ_FAILED' | 'TIMEOUT' | 'SESSION_CLOSED' | 'INVALID_ARGUMENT';

export const PYSPARK_SETUP_HINT =
  'Spark interop tests run PySpark (local mode, Java 17+) from FLUXO_PYTHON. Install the pinned version into the project venv with\n' +
  '  node tools/scripts/ensure-python.mjs\n' +
  '  FLUXO_PYTHON=$PWD/.fluxo/python/bin/python npx nx test parquet-io';

/** What the Spark test helper throws; `context.stderr` holds Python's and Spark's stderr (tail). */
export class SparkInteropError extends FluxoError<SparkInteropErrorCode> {
  constructor(code: SparkInteropErrorCode, message: string, options: FluxoErrorOptions = {}) {
    super(code, message, options);
  }
}
