import type { DeadLetterFields, FileReferenceFields } from '@fluxo/schema';

export type { RawFileSink, StagedRawFile } from '@fluxo/parquet-io';

/** Where announcements go (libs/kafka-client in production). Each resolves once acknowledged. */
export interface Announcer {
  announce(reference: FileReferenceFields): Promise<void>;
  deadLetter(event: DeadLetterFields): Promise<void>;
}
