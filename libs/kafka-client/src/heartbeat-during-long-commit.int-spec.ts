import { setTimeout as sleep } from 'node:timers/promises';
import { withAdmin, type FluxoKafka } from './create-kafka';
import { ReferenceConsumer, type ConsumedMessage } from './reference-consumer';
import { ReferenceProducer } from './reference-producer';
import { FAST_CONSUMER_OPTIONS, TestCleanup, createTestTopic, deleteGroups, testKafka, uniqueName, waitUntil } from './testing';
import { describeLag } from './topic-admin';

/**
 * Issue 8: a 36.7 s commit got the normalizer evicted from its group — kafkajs sends no heartbeat
 * while a handler runs, so a handler step longer than the session timeout lost the partition and
 * the batch was handled again by the next owner. The step here is held open by the test (not made
 * slow by load) for well over the session timeout, then released.
 */
describe('issue 8: a handler call longer than the session timeout keeps the group membership (real broker)', () => {
  const cleanup = new TestCleanup();
  let kafka: FluxoKafka;
  const sessionTimeoutMs = FAST_CONSUMER_OPTIONS.sessionTimeoutMs; // 6 s: the broker's minimum

  beforeAll(() => {
    kafka = testKafka();
  });
  afterEach(() => cleanup.run());

  it.each([
    ['runBatches', true],
    ['run', false],
  ] as const)('%s: heartbeats while the handler runs; the records are handled once and committed', async (_mode, batches) => {
    const topic = cleanup.use(await createTestTopic(kafka, { prefix: 'long-commit' }));
    const groupId = uniqueName('long-commit');
    cleanup.add(() => deleteGroups(kafka, [groupId]));
    const producer = cleanup.use(await ReferenceProducer.connect(kafka));
    await producer.publish(topic.name, { key: 'k', value: Buffer.from('slow') });

    const joins: number[] = [];
    const consumer = cleanup.use(
      await ReferenceConsumer.connect(kafka, {
        groupId,
        topics: [topic.name],
        fromBeginning: true,
        ...FAST_CONSUMER_OPTIONS,
        onAssigned: (partitions) => void joins.push(partitions.length),
      }),
    );
    const handled: string[] = [];
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    cleanup.add(async () => release()); // runs before the consumer's close (last in, first out), even when an assertion failed
    const handler = async (messages: readonly ConsumedMessage[]) => {
      handled.push(...messages.map((m) => m.offset));
      await held; // the slow step: a commit that takes as long as the test says
    };
    const running = batches ? consumer.runBatches(handler, { maxMessages: 10 }) : consumer.run((message) => handler([message]));
    await waitUntil(() => handled.length === 1, 'the handler holds the record', { timeoutMs: 60_000 });

    // Well past the session timeout while the handler is still running: the broker still counts us in.
    await sleep(2.5 * sessionTimeoutMs);
    const [group] = (await withAdmin(kafka, (admin) => admin.describeGroups([groupId]))).groups;
    expect(group?.state).toBe('Stable');
    expect(group?.members).toHaveLength(1);

    release();
    await waitUntil(async () => (await describeLag(kafka, { groupId, topic: topic.name })).partitions[0]?.committedOffset === '1', 'offset 1 is committed', { timeoutMs: 60_000 });
    await consumer.close();
    await running;
    expect(handled).toEqual(['0']); // never handed to a "new" member again
    expect(joins).toEqual([1]); // joined once: never evicted, never re-joined
  }, 120_000);
});
