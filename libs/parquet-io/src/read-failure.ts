import { stat } from 'node:fs/promises';
import { errnoOf } from '@fluxo/schema';
import { ParquetIoError } from './errors';

/**
 * Maps a failed DuckDB read of one file to what the caller can act on: FILE_MISSING when the file
 * is not there, CORRUPT_FILE when DuckDB could not decode an existing file (truncated, no footer
 * magic, broken pages), the original error otherwise (out of memory, engine closed…).
 */
export async function readFailure(error: unknown, path: string): Promise<ParquetIoError> {
  if (error instanceof ParquetIoError && error.code !== 'QUERY_FAILED') return error;
  const exists = await stat(path).then(
    (info) => info.isFile(),
    (statError: unknown) => (errnoOf(statError) === 'ENOENT' ? false : undefined),
  );
  if (exists === false) {
    return new ParquetIoError('FILE_MISSING', `${path} does not exist`, { cause: error, context: { path } });
  }
  if (error instanceof ParquetIoError && error.retriable) return error; // out of memory: not the file's fault
  const cause = error instanceof ParquetIoError && error.cause !== undefined ? error.cause : error;
  const message = cause instanceof Error ? cause.message : String(cause);
  return new ParquetIoError('CORRUPT_FILE', `${path} is not readable Parquet: ${firstLine(message)}`, {
    cause,
    context: { path },
  });
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? text;
}
