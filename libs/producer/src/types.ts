import type { DeadLetterFields, FileReferenceFields, RawFileFacts } from '@fluxo/schema';

/** Where announcements go (a Kafka producer in the apps). Each call resolves once acknowledged. */
export interface Announcer {
  announce(reference: FileReferenceFields): Promise<void>;
  deadLetter(event: DeadLetterFields): Promise<void>;
}

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

/** A raw file written under a hidden temp name (libs/parquet-io's sink or builder), visible only after `commit`. */
export interface StagedRawFile extends RawFileFacts {
  readonly tmpPath: string;
  readonly finalPath: string;
  commit(): Promise<void>;
  discard(): Promise<void>;
}
