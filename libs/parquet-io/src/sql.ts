import { isAbsolute } from 'node:path';
import { sqlString } from '@fluxo/schema';
import { ParquetIoError } from './errors';

export { sqlString, sqlIdentifier } from '@fluxo/schema';

/** Characters DuckDB's file readers expand as globs (`*`, `?`, `[…]`, `{…}`) or as a home dir. */
const GLOB_CHARACTERS = /[*?[\]{}]/;

/**
 * A literal for one file given to `read_parquet`, `read_blob` or `COPY … TO`: an absolute local path
 * or an `s3://bucket/key` object URL (the lake on S3-compatible storage, read through httpfs); no
 * glob characters (DuckDB would expand them), no NUL. The path itself is never interpolated raw.
 */
export function sqlFilePath(path: string): string {
  if (!isAbsolute(path) && !isObjectUrl(path)) {
    throw new ParquetIoError('INVALID_ARGUMENT', 'file paths given to DuckDB must be absolute, or s3:// object URLs', { context: { path } });
  }
  if (GLOB_CHARACTERS.test(path)) {
    throw new ParquetIoError('INVALID_ARGUMENT', 'file paths given to DuckDB must not contain glob characters', {
      context: { path },
    });
  }
  if (path.includes('\0')) throw new ParquetIoError('INVALID_ARGUMENT', 'file paths given to DuckDB must not contain NUL', { context: { path } });
  return sqlString(path);
}

/** True for `s3://bucket/key…`: an object in S3-compatible storage rather than a local path. */
export function isObjectUrl(path: string): boolean {
  return /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/./.test(path);
}


/**
 * `read_parquet('<path>', hive_partitioning = false)` for one file. DuckDB would otherwise add a
 * column for every `key=value` directory in the path (`date`, `event_date`): a single-file read
 * must return the file's own columns only.
 */
export function sqlReadParquet(path: string): string {
  return `read_parquet(${sqlFilePath(path)}, hive_partitioning = false)`;
}
