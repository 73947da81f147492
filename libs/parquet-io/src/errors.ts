import { errnoOf, FluxoError, type FluxoErrorOptions } from '@fluxo/schema';

/**
 * Every failure parquet-io reports. Callers branch on the code (retry, dead-letter, alert), never on
 * message text.
 *
 * | code | retriable | meaning |
 * |---|---|---|
 * | `INVALID_ARGUMENT` | no | a caller bug: bad name, stem, date, row or SQL literal |
 * | `INVALID_URI` | no | not a lake URI (syntax, backslash, NUL, unknown zone) |
 * | `URI_OUTSIDE_LAKE` | no | absolute path, `..`, or a symlink that leaves the lake |
 * | `FILE_MISSING` | no | the referenced file does not exist |
 * | `ALREADY_EXISTS` | no | commit would replace a different file at the final path |
 * | `SIZE_MISMATCH` | no | file size differs from the reference's `bytes` |
 * | `CHECKSUM_MISMATCH` | no | file sha256 differs from the reference's `sha256` |
 * | `CORRUPT_FILE` | no | the file is not readable Parquet (truncated, bad footer, bad pages) |
 * | `SCHEMA_MISMATCH` | no | the file's columns are not the expected ones |
 * | `WRITE_FAILED` | by errno | writing, fsyncing or renaming failed (ENOSPC, EIO… are retriable) |
 * | `READ_FAILED` | by errno | reading or hashing failed for another reason than absence |
 * | `QUERY_FAILED` | no | DuckDB rejected or failed a statement |
 * | `OUT_OF_MEMORY` | yes | DuckDB ran out of memory (the engine's `memoryLimitMb`): may pass once memory frees up; callers bound the attempts |
 * | `ACCESS_DENIED` | no | a statement touched a file outside the engine's allowed directories (`restrictFileAccess`) |
 * | `FILE_CHANGED` | no | a verified lake file was replaced or modified before it was read (`VerifiedFile.assertUnchanged`) |
 * | `LINK_REFUSED` | no | a dangling symlink, or a file with another hard link than its writer's temp file |
 * | `ENGINE_CLOSED` | no | the engine was used after `close()` |
 * | `EXTENSION_MISSING` | no | a DuckDB extension asked for at open could not be loaded |
 * | `LIST_FAILED` | yes | listing objects of an S3 lake failed (network, throttling, credentials) |
 * | `DELETE_FAILED` | yes | a `DeleteObjects` request of an S3 lake failed as a whole (per-key failures are reported, not thrown) |
 */
export type ParquetIoErrorCode =
  | 'INVALID_ARGUMENT'
  | 'INVALID_URI'
  | 'URI_OUTSIDE_LAKE'
  | 'FILE_MISSING'
  | 'ALREADY_EXISTS'
  | 'SIZE_MISMATCH'
  | 'CHECKSUM_MISMATCH'
  | 'CORRUPT_FILE'
  | 'SCHEMA_MISMATCH'
  | 'WRITE_FAILED'
  | 'READ_FAILED'
  | 'QUERY_FAILED'
  | 'OUT_OF_MEMORY'
  | 'ACCESS_DENIED'
  | 'FILE_CHANGED'
  | 'LINK_REFUSED'
  | 'ENGINE_CLOSED'
  | 'EXTENSION_MISSING'
  | 'LIST_FAILED'
  | 'DELETE_FAILED';

/** Context carried as fields (never inside the message only), for logs and dead-letter events. */
export interface ParquetIoErrorContext {
  readonly uri?: string;
  readonly path?: string;
  readonly expected?: unknown;
  readonly actual?: unknown;
  /** Node's `error.code` (`ENOSPC`, `EIO`…) when the cause was a system call. */
  readonly errno?: string;
  readonly [key: string]: unknown;
}

export interface ParquetIoErrorOptions extends Omit<FluxoErrorOptions, 'context'> {
  readonly context?: ParquetIoErrorContext;
}

/**
 * System-call failures worth retrying: the disk may get space back, a device may recover, a
 * descriptor limit may clear. Anything else (EACCES, EROFS, ENOTDIR…) fails the same way again.
 */
const RETRIABLE_ERRNOS: ReadonlySet<string> = new Set([
  'ENOSPC',
  'EDQUOT',
  'EIO',
  'EAGAIN',
  'EBUSY',
  'EMFILE',
  'ENFILE',
  'ETIMEDOUT',
  'EINTR',
]);

export class ParquetIoError extends FluxoError<ParquetIoErrorCode> {
  declare readonly context: ParquetIoErrorContext;

  constructor(code: ParquetIoErrorCode, message: string, options: ParquetIoErrorOptions = {}) {
    super(code, message, { ...options, retriable: options.retriable ?? false });
  }

  /**
   * Wraps a failed system call (`fs` promise rejection). `FILE_MISSING` when it was ENOENT and the
   * caller asked for that distinction, otherwise `code`, retriable when the errno is transient.
   */
  static fromSystemError(
    code: 'WRITE_FAILED' | 'READ_FAILED',
    message: string,
    cause: unknown,
    context: ParquetIoErrorContext = {},
  ): ParquetIoError {
    if (cause instanceof ParquetIoError) return cause;
    const errno = errnoOf(cause);
    return new ParquetIoError(code, `${message}: ${describe(cause)}`, {
      cause,
      retriable: errno !== undefined && RETRIABLE_ERRNOS.has(errno),
      context: errno === undefined ? context : { ...context, errno },
    });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
