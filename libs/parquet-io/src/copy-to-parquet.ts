import type { ParquetEngine } from './engine';
import { ParquetIoError } from './errors';
import { PARQUET_COPY_OPTIONS } from './parquet-format';
import { sqlFilePath } from './sql';
import { stage, type StagedFile, type StageOptions } from './atomic-file';

export interface CopyQueryToParquetInput extends StageOptions {
  /** A SELECT (trusted code, not user input): wrapped as `COPY (<sql>) TO …`. */
  readonly sql: string;
  /**
   * Absolute final path, usually `await lake.resolve(lake.curatedPath(…).uri)` (resolve also
   * refuses a symlinked directory that leads outside the lake).
   */
  readonly finalPath: string;
  /** Rows per row group; default DuckDB's (122,880). Readers parallelise a file's scan by row group. */
  readonly rowGroupSize?: number;
}

export interface CopiedParquet {
  /** Written and fsynced under a temp name; nothing is visible until `staged.commit()`. */
  readonly staged: StagedFile;
  readonly rows: number;
}

/**
 * Runs `COPY (<sql>) TO '<temp file>' (FORMAT parquet, COMPRESSION zstd, PARQUET_VERSION V1)`
 * through `stage`: the result is a staged file plus the number of rows DuckDB wrote.
 */
export async function copyQueryToParquet(engine: ParquetEngine, input: CopyQueryToParquetInput): Promise<CopiedParquet> {
  let rows = 0;
  const staged = await stage(
    input.finalPath,
    async (tmpPath) => {
      try {
        const result = await engine.all<{ Count: number }>(
          `COPY (${input.sql}) TO ${sqlFilePath(tmpPath)} (${PARQUET_COPY_OPTIONS}${rowGroupOption(input.rowGroupSize)})`,
        );
        rows = Number(result[0]?.Count ?? 0);
      } catch (error) {
        throw asWriteError(error, input.finalPath);
      }
    },
    input,
  );
  return { staged, rows };
}

function rowGroupOption(rows: number | undefined): string {
  if (rows === undefined) return '';
  if (!Number.isInteger(rows) || rows < 1) {
    throw new ParquetIoError('INVALID_ARGUMENT', 'rowGroupSize must be a positive integer', { context: { field: 'rowGroupSize', actual: rows } });
  }
  return `, ROW_GROUP_SIZE ${rows}`;
}

/** DuckDB's own I/O failures while writing (disk full, EIO) are transient write failures, not query bugs. */
const TRANSIENT_IO = /No space left on device|Input\/output error|Disk quota exceeded/i;

function asWriteError(error: unknown, path: string): unknown {
  if (!(error instanceof ParquetIoError) || error.code !== 'QUERY_FAILED' || !TRANSIENT_IO.test(error.message)) return error;
  return new ParquetIoError('WRITE_FAILED', `could not write ${path}: ${error.message}`, {
    cause: error.cause,
    retriable: true,
    context: { path },
  });
}
