import { ReferenceConsumer, type ConsumedMessage } from './reference-consumer';
import { ReferenceProducer } from './reference-producer';
import { FAST_CONSUMER_OPTIONS, TestCleanup, createTestTopic, deleteGroups, testKafka, uniqueName, waitUntil } from './testing';
import { describeLag } from './topic-admin';
import type { FluxoKafka } from './create-kafka';

/**
 * Issue 12 (N normalizers): a member joining while another member's batch is in its handler starts
 * a rebalance. The busy member learns it from the heartbeats it sends during the call (`revoked`
 * aborts), stops, commits NO Kafka offset for the batch, and re-joins; whoever owns the partition
 * afterwards gets the same records again (the normalizer skips what its catalog progress holds).
 */
describe('issue 12: a rebalance during a batch (real broker)', () => {
  const cleanup = new TestCleanup();
  let kafka: FluxoKafka;

  beforeAll(() => {
    kafka = testKafka();
  });
  afterEach(() => cleanup.run());

  it('aborts the handler call, commits nothing for its records, and the next owner gets them again', async () => {
    const topic = cleanup.use(await createTestTopic(kafka, { prefix: 'rebalance-batch' }));
    const groupId = uniqueName('rebalance-batch');
    cleanup.add(() => deleteGroups(kafka, [groupId]));
    const producer = cleanup.use(await ReferenceProducer.connect(kafka));
    for (const value of ['a', 'b']) await producer.publish(topic.name, { key: 'k', value: Buffer.from(value) });

    const handled: { member: string; offsets: string[]; revokedDuringCall: boolean }[] = [];
    let releaseFirst: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (releaseFirst = resolve));
    cleanup.add(async () => releaseFirst());
    const handler =
      (member: string) =>
      async (messages: readonly ConsumedMessage[], { revoked }: { readonly revoked: AbortSignal }): Promise<void> => {
        const call = { member, offsets: messages.map((m) => m.offset), revokedDuringCall: false };
        handled.push(call);
        if (handled.length > 1) return;
        // The first call stands for a long commit: it ends when the rebalance is reported (or the test gives up).
        await Promise.race([released, new Promise<void>((resolve) => revoked.addEventListener('abort', () => resolve(), { once: true }))]);
        call.revokedDuringCall = revoked.aborted;
      };
    const consumers = [];
    const running: Promise<void>[] = [];
    for (const member of ['first', 'second']) {
      const consumer = cleanup.use(await ReferenceConsumer.connect(kafka, { groupId, topics: [topic.name], fromBeginning: true, ...FAST_CONSUMER_OPTIONS }));
      consumers.push(consumer);
      running.push(consumer.runBatches(handler(member), { maxMessages: 10 }));
      if (member === 'first') await waitUntil(() => handled.length === 1, 'the first member holds the batch', { timeoutMs: 60_000 });
    }

    await waitUntil(() => handled.length >= 2, 'the records are handed over again after the rebalance', { timeoutMs: 90_000 });
    await waitUntil(async () => (await describeLag(kafka, { groupId, topic: topic.name })).partitions[0]?.committedOffset === '2', 'offset 2 is committed', { timeoutMs: 60_000 });
    for (const consumer of consumers) await consumer.close();
    await Promise.all(running);

    expect(handled[0]).toEqual({ member: 'first', offsets: ['0', '1'], revokedDuringCall: true });
    expect(handled[1]?.offsets).toEqual(['0', '1']); // not committed by the revoked call: delivered again
    expect(handled).toHaveLength(2);
  }, 180_000);
});
