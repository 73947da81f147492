import { isAbsolute } from 'node:path';
import { sqlString } from '@fluxo/schema';
import { ParquetIoError } from './errors';

export { sqlString, sqlIdentifier } from '@fluxo/schema';

/** Characters DuckDB's file readers expand as globs (`*`, `?`, `[…]`, `{…}`) or as a home dir. */
const GLOB_CHARACTERS = /[*?[\]{}]/;

/**
 * A literal for one local file path given to `read_parquet` or `COPY … TO`: absolute, no glob
 * characters (DuckDB would expand them), no NUL. The path itself is never interpolated raw.
 */
export function sqlFilePath(path: string): string {
  if (!isAbsolute(path)) {
    throw new ParquetIoError('INVALID_ARGUMENT', 'file paths given to DuckDB must be absolute', { context: { path } });
  }
  if (GLOB_CHARACTERS.test(path)) {
    throw new ParquetIoError('INVALID_ARGUMENT', 'file paths given to DuckDB must not contain glob characters', {
      context: { path },
    });
  }
  return sqlString(path);
}


/**
 * `read_parquet('<path>', hive_partitioning = false)` for one file. DuckDB would otherwise add a
 * column for every `key=value` directory in the path (`date`, `event_date`): a single-file read
 * must return the file's own columns only.
 */
export function sqlReadParquet(path: string): string {
  return `read_parquet(${sqlFilePath(path)}, hive_partitioning = false)`;
}
