import type { FileFacts } from '@fluxo/schema';

/**
 * The crash-safe file operations the outbox is given (libs/parquet-io's `durableFiles` in the
 * apps): the producer composes them, so this library never reaches into another infra library.
 */
export interface DurableFiles {
  /** Replaces `path` whole or not at all (temp file, fsync, rename). */
  writeAtomically(path: string, contents: string): Promise<void>;
  /** Finishes a commit a crash interrupted: true when `finalPath` exists or `tmpPath` could be renamed to it; false when neither exists. */
  makeVisible(tmpPath: string, finalPath: string): Promise<boolean>;
  sha256Of(path: string): Promise<string>;
}

/** A raw file written under a hidden temp name (libs/parquet-io's sink or builder), visible at `path` only after `commit`. */
export interface StagedRawFile extends FileFacts {
  readonly tmpPath: string;
  readonly path: string;
  commit(): Promise<void>;
  discard(): Promise<void>;
}
