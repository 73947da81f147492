import type { DeadLetterFields, FileReferenceFields } from '@fluxo/schema';

/** One record consumed from the raw-files topic. */
export interface ConsumedReference {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: Buffer | null;
}

/** Where the normalizer announces what it wrote or could not process (libs/kafka-client). */
export interface Announcer {
  announce(reference: FileReferenceFields): Promise<void>;
  deadLetter(event: DeadLetterFields): Promise<void>;
}
