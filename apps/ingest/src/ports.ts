import type { DeadLetterFields, FileReferenceFields } from '@fluxo/schema';

export type { RawFileBuilder, RawFileSink, StagedRawFile, StreamingRawFileSink } from '@fluxo/parquet-io';

/** Where announcements go (libs/kafka-client in production). Resolves once acknowledged. */
export interface Announcer {
  announce(reference: FileReferenceFields): Promise<void>;
  deadLetter(event: DeadLetterFields): Promise<void>;
}

/** Keeps inputs that could not be processed, returning their lake URI. */
export interface Quarantine {
  /** `body` in memory, or a (large) body spooled to a file, which is moved. */
  keep(input: { readonly source: string; readonly at: Date; readonly stem: string; readonly body: Buffer | { readonly path: string } }): Promise<string>;
}
