import type { DeadLetterFields, FileReferenceFields } from '@fluxo/schema';
import type { Announcer } from './types';

/** What publishes to Kafka (libs/kafka-client's `ReferenceProducer` in the apps); resolves once acknowledged. */
export interface ReferencePublisher {
  publishReference(topic: string, reference: FileReferenceFields): Promise<unknown>;
  publishDeadLetter(topic: string, event: DeadLetterFields): Promise<unknown>;
}

/** The topics a producer announces on: raw file references and dead letters. */
export interface AnnouncementTopics {
  readonly files: string;
  readonly deadLetter: string;
}

/** The announcer a producer wires in `main.ts`: references to `topics.files`, dead letters to `topics.deadLetter`. */
export function topicAnnouncer(publisher: ReferencePublisher, topics: AnnouncementTopics): Announcer {
  return {
    announce: async (reference) => void (await publisher.publishReference(topics.files, reference)),
    deadLetter: async (event) => void (await publisher.publishDeadLetter(topics.deadLetter, event)),
  };
}
