import { Partitioners, type Producer, type Message, type RecordMetadata, type Transaction } from 'kafkajs';
import {
  DeadLetterEvent,
  SchemaError,
  serializeFileReference,
  validatePlain,
  type AnnouncementTopics,
  type Announcer,
  type DeadLetterFields,
  type FileReferenceFields,
  type Logger,
} from '@fluxo/schema';
import { kafkajsOf, type FluxoKafka } from './create-kafka';
import { KafkaClientError, hasProtocolErrorType, toKafkaClientError } from './errors';

/** Header carrying the event's `eventId`, so consumers can de-duplicate without parsing the value. */
export const EVENT_ID_HEADER = 'fluxo-event-id';

export interface OutgoingRecord {
  /** Records with the same key land on the same partition, in order. */
  readonly key: string | Buffer | null;
  readonly value: Buffer;
  readonly headers?: Readonly<Record<string, string | Buffer>>;
}

/** Where an acknowledged record landed. */
export interface PublishedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

export interface ReferenceProducerOptions {
  readonly logger?: Logger;
  /**
   * Enables `transaction()`. Must be stable per producing instance (e.g. `ingest-<host>`), so that
   * a restarted instance fences its predecessor's unfinished transactions.
   */
  readonly transactionalId?: string;
  /** How long the broker may wait for all in-sync replicas to acknowledge. Default 30000. */
  readonly ackTimeoutMs?: number;
}

/** What both the producer and a transaction can publish. */
export interface RecordPublisher {
  publish(topic: string, record: OutgoingRecord): Promise<PublishedRecord>;
  publishReference(topic: string, reference: FileReferenceFields): Promise<PublishedRecord>;
  publishDeadLetter(topic: string, event: DeadLetterFields): Promise<PublishedRecord>;
}

/**
 * Publishes records and resolves only once the broker acknowledged them on all in-sync replicas
 * (`acks: -1`). The producer is idempotent with one request in flight, so retries neither duplicate
 * nor reorder records of a partition.
 */
export class ReferenceProducer implements RecordPublisher, AsyncDisposable {
  private closed = false;

  private constructor(
    private producer: Producer,
    private readonly createProducer: () => Producer,
    private readonly logger: Logger,
    private readonly transactional: boolean,
    private readonly ackTimeoutMs: number,
  ) {}

  /** Connects a producer. Throws `CONNECTION_FAILED` (retriable when the cluster is merely unreachable). */
  static async connect(kafka: FluxoKafka, options: ReferenceProducerOptions = {}): Promise<ReferenceProducer> {
    const logger = (options.logger ?? kafka.logger).child({ component: 'kafka-producer' });
    const createProducer = () =>
      kafkajsOf(kafka).producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
        ...(options.transactionalId !== undefined && { transactionalId: options.transactionalId }),
      });
    const producer = await connectProducer(createProducer, kafka.brokers);
    logger.info({ brokers: kafka.brokers, transactional: options.transactionalId !== undefined }, 'Kafka producer connected');
    return new ReferenceProducer(producer, createProducer, logger, options.transactionalId !== undefined, options.ackTimeoutMs ?? 30_000);
  }

  /** Throws `PUBLISH_FAILED` (with `retriable` from the cause) or `CLIENT_CLOSED`. */
  async publish(topic: string, record: OutgoingRecord): Promise<PublishedRecord> {
    this.assertOpen(topic);
    try {
      return await sendOne((payload) => this.producer.send(payload), topic, record, this.ackTimeoutMs);
    } catch (error) {
      // Not for transactional producers: a new one with the same transactionalId would fence open transactions.
      if (this.transactional || !hasProtocolErrorType(error, 'UNKNOWN_TOPIC_OR_PARTITION')) throw error;
      // kafkajs refreshes metadata for every topic this producer ever wrote to, and fails all sends once one
      // of them has been deleted (kafkajs#1563). A fresh kafkajs producer forgets them; retry once with it.
      this.logger.warn({ topic }, 'publish hit an unknown topic; reconnecting the producer with fresh metadata');
      await this.replaceProducer();
      return sendOne((payload) => this.producer.send(payload), topic, record, this.ackTimeoutMs);
    }
  }

  private async replaceProducer(): Promise<void> {
    const stale = this.producer;
    this.producer = await connectProducer(this.createProducer, []);
    await stale.disconnect().catch(() => undefined);
  }

  /** Validates and publishes a file reference: key = dataset, header `fluxo-event-id`. Throws `SchemaError` when invalid. */
  async publishReference(topic: string, reference: FileReferenceFields): Promise<PublishedRecord> {
    return this.publish(topic, referenceRecord(reference));
  }

  /** Validates and publishes a dead-letter event: key = dataset (or source, or stage). Throws `SchemaError` when invalid. */
  async publishDeadLetter(topic: string, event: DeadLetterFields): Promise<PublishedRecord> {
    return this.publish(topic, deadLetterRecord(event));
  }

  /** The stage's `Announcer`: references to `topics.files`, dead letters to `topics.deadLetter`, each resolved once acknowledged. */
  announcer(topics: AnnouncementTopics): Announcer {
    return {
      announce: async (reference) => void (await this.publishReference(topics.files, reference)),
      deadLetter: async (event) => void (await this.publishDeadLetter(topics.deadLetter, event)),
    };
  }

  /**
   * Runs `work` in a Kafka transaction: everything it publishes becomes visible to `read_committed`
   * consumers together when `work` resolves, or not at all when it throws (the transaction is aborted
   * and the error rethrown). Needs `transactionalId`.
   */
  async transaction<T>(work: (publisher: RecordPublisher) => Promise<T>): Promise<T> {
    this.assertOpen();
    if (!this.transactional) throw new KafkaClientError('INVALID_SETTINGS', 'transaction() needs a producer connected with a transactionalId');
    let transaction: Transaction;
    try {
      transaction = await this.producer.transaction();
    } catch (error) {
      throw toKafkaClientError('PUBLISH_FAILED', 'Could not begin a transaction', error);
    }
    const publisher: RecordPublisher = {
      publish: (topic, record) => sendOne((payload) => transaction.send(payload), topic, record, this.ackTimeoutMs),
      publishReference: async (topic, reference) => publisher.publish(topic, referenceRecord(reference)),
      publishDeadLetter: async (topic, event) => publisher.publish(topic, deadLetterRecord(event)),
    };
    let result: T;
    try {
      result = await work(publisher);
    } catch (error) {
      await transaction.abort().catch((abortError: unknown) => this.logger.warn({ error: String(abortError) }, 'transaction abort failed'));
      throw error;
    }
    try {
      await transaction.commit();
    } catch (error) {
      throw toKafkaClientError('PUBLISH_FAILED', 'Could not commit the transaction', error);
    }
    return result;
  }

  /** Flushes nothing (every publish already waited for its acknowledgement) and disconnects. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.producer.disconnect();
    this.logger.info({}, 'Kafka producer closed');
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private assertOpen(topic?: string): void {
    if (this.closed) throw new KafkaClientError('CLIENT_CLOSED', 'The producer is closed', { topic });
  }
}

async function connectProducer(create: () => Producer, brokers: readonly string[]): Promise<Producer> {
  const producer = create();
  try {
    await producer.connect();
    return producer;
  } catch (error) {
    throw toKafkaClientError('CONNECTION_FAILED', `Producer could not connect${brokers.length > 0 ? ` to ${brokers.join(',')}` : ''}`, error);
  }
}

type Send = (payload: { topic: string; messages: Message[]; acks: number; timeout: number }) => Promise<RecordMetadata[]>;

async function sendOne(send: Send, topic: string, record: OutgoingRecord, timeout: number): Promise<PublishedRecord> {
  let metadata: RecordMetadata[];
  try {
    metadata = await send({
      topic,
      acks: -1,
      timeout,
      messages: [{ key: record.key, value: record.value, ...(record.headers !== undefined && { headers: { ...record.headers } }) }],
    });
  } catch (error) {
    throw toKafkaClientError('PUBLISH_FAILED', `Could not publish to ${topic}`, error, { topic });
  }
  const ack = metadata[0];
  if (ack === undefined || ack.baseOffset === undefined) {
    throw new KafkaClientError('PUBLISH_FAILED', `The broker acknowledged no offset for ${topic}`, { topic, retriable: true });
  }
  return { topic: ack.topicName, partition: ack.partition, offset: ack.baseOffset };
}

function referenceRecord(reference: FileReferenceFields): OutgoingRecord {
  return { key: reference.dataset, value: serializeFileReference(reference), headers: { [EVENT_ID_HEADER]: reference.eventId } };
}

function deadLetterRecord(event: DeadLetterFields): OutgoingRecord {
  const result = validatePlain(DeadLetterEvent, event);
  if (result.value === undefined) throw new SchemaError('INVALID_EVENT', 'Dead-letter event is invalid', result.problems);
  const key = event.dataset ?? event.source ?? event.stage;
  return { key, value: Buffer.from(JSON.stringify(result.value), 'utf8'), headers: { [EVENT_ID_HEADER]: event.eventId } };
}

