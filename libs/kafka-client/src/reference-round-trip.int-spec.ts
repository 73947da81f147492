import { randomUUID } from 'node:crypto';
import { SchemaError, encodeOriginal, parseFileReference, type DeadLetterFields } from '@fluxo/schema';
import { aFileReference } from '@fluxo/schema/testing';
import type { FluxoKafka } from './create-kafka';
import { KafkaClientError } from './errors';
import { ReferenceConsumer, type ConsumedMessage } from './reference-consumer';
import { EVENT_ID_HEADER, ReferenceProducer } from './reference-producer';
import { FAST_CONSUMER_OPTIONS, TestCleanup, createTestTopic, deleteGroups, readAll, testKafka, uniqueName, waitUntil } from './testing';

describe('publishing and consuming references through a real broker', () => {
  const cleanup = new TestCleanup();
  let kafka: FluxoKafka;
  let topic: string;

  beforeAll(() => {
    kafka = testKafka();
  });

  beforeEach(async () => {
    topic = cleanup.use(await createTestTopic(kafka, { prefix: 'round-trip', numPartitions: 2 })).name;
  });

  afterEach(() => cleanup.run());

  async function producer(options: { transactionalId?: string } = {}): Promise<ReferenceProducer> {
    return cleanup.use(await ReferenceProducer.connect(kafka, options));
  }

  it('delivers a published FileReference to a consumer, keyed by dataset, with its event id header', async () => {
    const reference = aFileReference({ dataset: 'quakes' });
    const published = await (await producer()).publishReference(topic, reference);
    expect(published).toEqual({ topic, partition: expect.any(Number), offset: '0' });

    const groupId = uniqueName('round-trip');
    cleanup.add(() => deleteGroups(kafka, [groupId]));
    const received: ConsumedMessage[] = [];
    const consumer = cleanup.use(await ReferenceConsumer.connect(kafka, { groupId, topics: [topic], fromBeginning: true, ...FAST_CONSUMER_OPTIONS }));
    const running = consumer.run(async (message) => {
      received.push(message);
    });
    await waitUntil(() => received.length === 1, 'the reference arrives');
    await consumer.close();
    await running;

    const [message] = received;
    expect(message).toMatchObject({ topic, partition: published.partition, offset: '0', key: 'quakes', headers: { [EVENT_ID_HEADER]: reference.eventId } });
    expect(message?.timestampMs).toBeGreaterThan(Date.now() - 60_000);
    expect(parseFileReference(message?.value ?? Buffer.alloc(0))).toMatchObject(reference);
  });

  it('keeps records with the same key in order on one partition', async () => {
    const references = Array.from({ length: 5 }, (_, index) => aFileReference({ dataset: 'ordered', rows: index }));
    const publisher = await producer();
    const published = [];
    for (const reference of references) published.push(await publisher.publishReference(topic, reference));

    expect(new Set(published.map((record) => record.partition)).size).toBe(1);
    expect(published.map((record) => record.offset)).toEqual(['0', '1', '2', '3', '4']);
    const read = await readAll(kafka, topic);
    expect(read.map((record) => parseFileReference(record.value).rows)).toEqual([0, 1, 2, 3, 4]);
  });

  it('refuses an invalid reference before anything reaches Kafka', async () => {
    await expect((await producer()).publishReference(topic, aFileReference({ sha256: 'nope' }))).rejects.toBeInstanceOf(SchemaError);
    expect(await readAll(kafka, topic)).toEqual([]);
  });

  it('publishes a validated dead-letter event', async () => {
    const event: DeadLetterFields = {
      schemaVersion: 1,
      eventId: randomUUID(),
      stage: 'normalizer',
      reason: 'CHECKSUM_MISMATCH',
      message: 'sha256 differs',
      dataset: 'quakes',
      original: { topic: 'fluxo.raw-files', partition: 0, offset: '7', ...encodeOriginal('{"x":1}') },
      occurredAt: new Date().toISOString(),
    };
    const publisher = await producer();
    await publisher.publishDeadLetter(topic, event);
    await expect(publisher.publishDeadLetter(topic, { ...event, reason: '' })).rejects.toBeInstanceOf(SchemaError);

    const [record, ...rest] = await readAll(kafka, topic);
    expect(rest).toEqual([]);
    expect(record?.key).toBe('quakes');
    expect(JSON.parse(record?.value.toString('utf8') ?? '')).toEqual(event);
  });

  it('makes transactional records visible only when the transaction commits', async () => {
    const transactional = await producer({ transactionalId: uniqueName('tx') });

    await expect(
      transactional.transaction(async (tx) => {
        await tx.publishReference(topic, aFileReference({ dataset: 'aborted' }));
        throw new Error('work failed');
      }),
    ).rejects.toThrow('work failed');
    await transactional.transaction(async (tx) => {
      await tx.publishReference(topic, aFileReference({ dataset: 'committed' }));
      await tx.publishReference(topic, aFileReference({ dataset: 'committed' }));
    });

    const read = await readAll(kafka, topic);
    expect(read.map((record) => record.key)).toEqual(['committed', 'committed']);
  });

  it('keeps publishing after another topic it wrote to was deleted', async () => {
    // Fewer kafkajs retries: the first attempt is expected to exhaust them before the producer reconnects.
    const impatient = testKafka(undefined, { retry: { initialRetryTimeMs: 100, maxRetryTimeMs: 300, retries: 2 } });
    const publisher = cleanup.use(await ReferenceProducer.connect(impatient));
    const doomed = await createTestTopic(kafka, { prefix: 'doomed' });
    await publisher.publish(doomed.name, { key: null, value: Buffer.from('x') });
    await doomed.delete();

    await expect(publisher.publish(topic, { key: 'k', value: Buffer.from('still works') })).resolves.toMatchObject({ topic, offset: '0' });
  });

  it('rejects use after close with CLIENT_CLOSED', async () => {
    const closing = await producer();
    await closing.close();
    await closing.close();

    await expect(closing.publish(topic, { key: null, value: Buffer.from('x') })).rejects.toMatchObject({ code: 'CLIENT_CLOSED' });
    await expect(closing.transaction(() => Promise.resolve())).rejects.toBeInstanceOf(KafkaClientError);
  });
});
