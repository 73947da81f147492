import type { DeadLetterFields, ExtractedRecord, FileReferenceFields } from '@fluxo/schema';

/** A raw Parquet file written to a temp name, visible in the lake only after `commit`. */
export interface StagedRawFile {
  readonly uri: string;
  readonly finalPath: string;
  readonly tmpPath: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly rows: number;
  readonly minEventTime: string | null;
  readonly maxEventTime: string | null;
  readonly schemaFingerprint: string;
  commit(): Promise<void>;
  discard(): Promise<void>;
}

/** Where raw files go (libs/parquet-io in production). */
export interface RawFileSink {
  stage(input: { readonly source: string; readonly stem: string; readonly fetchedAt: Date; readonly records: readonly ExtractedRecord[] }): Promise<StagedRawFile>;
  /** Publishes a staged temp file left by a crash under its final name; false when neither exists. */
  makeVisible(tmpPath: string, finalPath: string): Promise<boolean>;
  sha256Of(path: string): Promise<string>;
}

/** Where announcements go (libs/kafka-client in production). Each resolves once acknowledged. */
export interface Announcer {
  announce(reference: FileReferenceFields): Promise<void>;
  deadLetter(event: DeadLetterFields): Promise<void>;
}
