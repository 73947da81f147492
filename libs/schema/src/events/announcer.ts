import type { DeadLetterFields } from './dead-letter-event';
import type { FileReferenceFields } from './file-reference';

/**
 * Where a pipeline stage announces what it wrote (references) and what it could not process (dead
 * letters): libs/kafka-client's `ReferenceProducer.announcer(topics)` in the apps, wrapped by
 * libs/metrics' `measuredAnnouncer`. Each call resolves once the broker acknowledged it.
 */
export interface Announcer {
  announce(reference: FileReferenceFields): Promise<void>;
  deadLetter(event: DeadLetterFields): Promise<void>;
}

/** The topics a stage announces on: its file references, and dead letters. */
export interface AnnouncementTopics {
  readonly files: string;
  readonly deadLetter: string;
}
