import { randomUUID } from 'node:crypto';
import { encodeOriginal, type FileReference, type Logger } from '@fluxo/schema';
import { writeFileAtomically, type Lake } from '@fluxo/parquet-io';
import type { Announcer, ConsumedReference } from '../ports';

export interface DeadLetterInput {
  readonly message: ConsumedReference;
  readonly reason: string;
  readonly description: string;
  readonly reference?: FileReference;
  readonly quarantineUri?: string;
  readonly details?: Record<string, unknown>;
}

/**
 * Parks what the normalizer cannot process: a JSON record in `<lake>/quarantine/normalizer/…`
 * (reason, the original Kafka record verbatim, the parsed reference if any) and an event on the
 * dead-letter topic pointing at it. Nothing that fails is dropped without both.
 */
export class DeadLetters {
  constructor(
    private readonly lake: Lake,
    private readonly announcer: Announcer,
    private readonly logger: Logger,
  ) {}

  async send(input: DeadLetterInput): Promise<void> {
    const { message, reason } = input;
    const now = new Date();
    const original = { ...encodeOriginal(message.value), topic: message.topic, partition: message.partition, offset: message.offset, ...(message.key === null ? {} : { key: message.key }) };
    const recordUri = input.quarantineUri ?? (await this.writeRecord(now, input, original));
    await this.announcer.deadLetter({
      schemaVersion: 1,
      eventId: randomUUID(),
      stage: 'normalizer',
      reason,
      message: input.description,
      ...(input.reference === undefined ? {} : { source: input.reference.source, dataset: input.reference.dataset }),
      original,
      quarantineUri: recordUri,
      ...(input.details === undefined ? {} : { details: input.details }),
      occurredAt: now.toISOString(),
    });
    this.logger.warn({ reason, topic: message.topic, partition: message.partition, offset: message.offset, quarantineUri: recordUri }, input.description);
  }

  private async writeRecord(at: Date, input: DeadLetterInput, original: object): Promise<string> {
    const stem = `${input.message.topic.replace(/[^a-z0-9_-]/gi, '_').toLowerCase()}-p${input.message.partition}-o${input.message.offset}`;
    const location = this.lake.quarantinePath('normalizer', at, stem, 'json');
    const body = JSON.stringify({ reason: input.reason, message: input.description, original, reference: input.reference ?? null, details: input.details ?? null, at: at.toISOString() }, null, 2);
    await writeFileAtomically(await this.lake.resolve(location.uri), body);
    return location.uri;
  }
}
