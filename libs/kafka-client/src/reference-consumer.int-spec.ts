import { setTimeout as sleep } from 'node:timers/promises';
import { recordingLogger } from '@fluxo/schema/testing';
import { withAdmin, type FluxoKafka } from './create-kafka';
import { KafkaClientError } from './errors';
import { ReferenceConsumer, type AssignedPartition, type ConsumedMessage, type ReferenceConsumerOptions } from './reference-consumer';
import { ReferenceProducer } from './reference-producer';
import { FAST_CONSUMER_OPTIONS, TestCleanup, createTestTopic, deleteGroups, testKafka, uniqueName, waitUntil } from './testing';
import { describeLag } from './topic-admin';

/** What a handler throws for a transient failure (the lake is briefly unavailable, say). */
function transientError(message: string): Error {
  return Object.assign(new Error(message), { retriable: true });
}

describe('ReferenceConsumer against a real broker', () => {
  const cleanup = new TestCleanup();
  let kafka: FluxoKafka;
  let producer: ReferenceProducer;
  let topic: { name: string };
  let groupId: string;

  beforeAll(() => {
    kafka = testKafka();
  });

  beforeEach(async () => {
    topic = cleanup.use(await createTestTopic(kafka, { prefix: 'consumer' }));
    groupId = uniqueName('group');
    const group = groupId;
    cleanup.add(() => deleteGroups(kafka, [group]));
    producer = cleanup.use(await ReferenceProducer.connect(kafka));
  });

  afterEach(() => cleanup.run());

  /** A consumer of the test's topic and group, closed after the test whatever happens. */
  async function connect(options: Partial<ReferenceConsumerOptions> = {}): Promise<ReferenceConsumer> {
    return cleanup.use(await ReferenceConsumer.connect(kafka, { groupId, topics: [topic.name], fromBeginning: true, ...FAST_CONSUMER_OPTIONS, ...options }));
  }

  const committedOffset = async () => (await describeLag(kafka, { groupId, topic: topic.name })).partitions[0]?.committedOffset;
  const publish = (text: string) => producer.publish(topic.name, { key: 'k', value: Buffer.from(text) });

  it('retries a record after a retriable failure without committing it, then commits it once', async () => {
    await publish('first');
    const attempts: Array<{ offset: string; committedBefore: string | null | undefined }> = [];
    const consumer = await connect();
    const running = consumer.run(async (message) => {
      attempts.push({ offset: message.offset, committedBefore: await committedOffset() });
      if (attempts.length === 1) throw transientError('lake unavailable');
    });

    await waitUntil(async () => (await committedOffset()) === '1', 'offset 1 is committed');
    await consumer.close();
    await running;

    // Same record twice; nothing committed while it was failing; committed after the success.
    expect(attempts).toEqual([
      { offset: '0', committedBefore: null },
      { offset: '0', committedBefore: null },
    ]);

    // A new member of the group starts after the committed record.
    await publish('second');
    const seen: string[] = [];
    const next = await connect();
    const nextRunning = next.run(async (message) => {
      seen.push(message.value.toString());
    });
    await waitUntil(() => seen.length >= 1, 'the second record arrives');
    await sleep(300);
    await next.close();
    await nextRunning;
    expect(seen).toEqual(['second']);
  });

  it('stops without committing when a handler throws a non-retriable error, so the record comes back', async () => {
    await publish('poison');
    const consumer = await connect();
    const failure = await consumer
      .run(() => Promise.reject(new Error('cannot parse')))
      .then(
        () => undefined,
        (error: unknown) => error,
      );

    expect(failure).toBeInstanceOf(KafkaClientError);
    expect(failure).toMatchObject({ code: 'CONSUMER_FAILED', retriable: false, topic: topic.name, partition: 0, offset: '0' });
    expect(await committedOffset()).toBeNull();
    await consumer.close();

    const seen: string[] = [];
    const next = await connect();
    const running = next.run(async (message) => {
      seen.push(message.value.toString());
    });
    await waitUntil(() => seen.length === 1, 'the record is delivered again');
    await next.close();
    await running;
    expect(seen).toEqual(['poison']);
  });

  it('close() lets the record in flight finish, commits it and leaves the group', async () => {
    await publish('slow');
    const logger = recordingLogger();
    let started = false;
    let finished = false;
    const consumer = await connect({ logger });
    const running = consumer.run(async () => {
      started = true;
      await sleep(500);
      finished = true;
    });
    await waitUntil(() => started, 'the handler starts');

    await consumer.close();
    await expect(running).resolves.toBeUndefined();

    expect(finished).toBe(true);
    expect(await committedOffset()).toBe('1');
    const [group] = (await withAdmin(kafka, (admin) => admin.describeGroups([groupId]))).groups;
    expect(group).toMatchObject({ state: 'Empty', members: [] });
    expect(logger.entries.filter((entry) => entry.level === 'error')).toEqual([]);
  });

  it('reports its assignment through onAssigned before handling records', async () => {
    await publish('after-assignment');
    const events: string[] = [];
    let assigned: readonly AssignedPartition[] = [];
    const consumer = await connect({
      onAssigned: async (partitions) => {
        assigned = partitions;
        await sleep(100);
        events.push('assigned');
      },
    });
    const running = consumer.run(async (message: ConsumedMessage) => {
      events.push(message.value.toString());
    });
    await waitUntil(() => events.length === 2, 'the record is handled');
    await consumer.close();
    await running;

    expect(assigned).toEqual([{ topic: topic.name, partition: 0 }]);
    expect(events).toEqual(['assigned', 'after-assignment']);
  });

  it('pause() stops handing out records until resume()', async () => {
    const seen: string[] = [];
    const consumer = await connect();
    const running = consumer.run(async (message) => {
      seen.push(message.value.toString());
    });
    await publish('one');
    await waitUntil(() => seen.length === 1, 'the first record arrives');

    consumer.pause();
    await publish('two');
    await sleep(1_000);
    expect(seen).toEqual(['one']);

    consumer.resume();
    await waitUntil(() => seen.length === 2, 'the second record arrives after resume');
    await consumer.close();
    await running;
  });

  it('commits past transaction markers, so a fully processed transactional topic shows no lag', async () => {
    const transactional = cleanup.use(await ReferenceProducer.connect(kafka, { transactionalId: uniqueName('tx') }));
    await transactional.transaction(async (tx) => {
      await tx.publish(topic.name, { key: 'k', value: Buffer.from('in-transaction') });
    });
    const seen: string[] = [];
    const consumer = await connect();
    const running = consumer.run(async (message) => {
      seen.push(message.value.toString());
    });

    // Wait for the commit past the marker, not for "lag 0" alone: EndTxn returns before the broker has
    // written the commit marker, and until then the read-committed end offset is 0 — a lag of 0 before
    // anything was consumed (seen under load).
    await waitUntil(async () => (await committedOffset()) === '2', 'offset 2 (past the marker) is committed');
    expect((await describeLag(kafka, { groupId, topic: topic.name })).totalLag).toBe(0);
    await consumer.close();
    await running;
    expect(seen).toEqual(['in-transaction']);
    expect(await committedOffset()).toBe('2');
  });
});
