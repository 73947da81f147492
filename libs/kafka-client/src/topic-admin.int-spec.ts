import { recordingLogger } from '@fluxo/schema/testing';
import { createKafka, withAdmin, type FluxoKafka } from './create-kafka';
import { KafkaClientError } from './errors';
import { ReferenceConsumer } from './reference-consumer';
import { ReferenceProducer, type PublishedRecord } from './reference-producer';
import { FAST_CONSUMER_OPTIONS, deleteGroups, testKafkaSettings, uniqueName, waitUntil } from './testing';
import { deleteTopics, describeLag, ensureTopics } from './topic-admin';

describe('topic admin against a real broker', () => {
  const logger = recordingLogger();
  let kafka: FluxoKafka;
  const topics: string[] = [];
  const groups: string[] = [];

  beforeAll(() => {
    kafka = createKafka(testKafkaSettings(), logger);
  });

  afterAll(async () => {
    await deleteTopics(kafka, topics);
    await deleteGroups(kafka, groups);
  });

  function topicName(prefix: string): string {
    const name = uniqueName(prefix);
    topics.push(name);
    return name;
  }

  it('ensureTopics creates missing topics once and accepts existing ones', async () => {
    const topic = topicName('ensure');
    const first = await ensureTopics(kafka, [{ topic, numPartitions: 2, configs: { 'retention.ms': '3600000' } }]);
    const second = await ensureTopics(kafka, [{ topic, numPartitions: 2 }]);

    expect(first).toEqual({ created: [topic], existing: [] });
    expect(second).toEqual({ created: [], existing: [topic] });
    const ends = await describeLag(kafka, { groupId: uniqueName('nobody'), topic });
    expect(ends.partitions.map((p) => p.partition)).toEqual([0, 1]);
  });

  it('warns, and leaves the topic alone, when an existing topic has fewer partitions than asked', async () => {
    const topic = topicName('fewer');
    await ensureTopics(kafka, [{ topic, numPartitions: 1 }]);

    await expect(ensureTopics(kafka, [{ topic, numPartitions: 3 }])).resolves.toEqual({ created: [], existing: [topic] });

    expect(logger.entries).toContainEqual(
      expect.objectContaining({ level: 'warn', fields: expect.objectContaining({ topic, partitions: 1, requestedPartitions: 3 }) }),
    );
    expect((await describeLag(kafka, { groupId: uniqueName('nobody'), topic })).partitions).toHaveLength(1);
  });

  it('rejects invalid specs with TOPIC_SETUP_FAILED listing each problem', async () => {
    const error = await ensureTopics(kafka, [{ topic: 'bad name!', numPartitions: 0 }]).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(KafkaClientError);
    expect(error).toMatchObject({ code: 'TOPIC_SETUP_FAILED', retriable: false });
    expect((error as Error).message).toMatch(/topic.*\n.*numPartitions/s);
  });

  it('deleteTopics is idempotent', async () => {
    const topic = topicName('delete');
    await ensureTopics(kafka, [{ topic, numPartitions: 1 }]);

    await deleteTopics(kafka, [topic]);
    await deleteTopics(kafka, [topic, uniqueName('never-existed')]);

    await waitUntil(async () => !(await withAdmin(kafka, (admin) => admin.listTopics())).includes(topic), `${topic} is gone`);
  });

  it('describeLag reports committed offset, end offset and lag per partition', async () => {
    const topic = topicName('lag');
    const groupId = uniqueName('lag-group');
    groups.push(groupId);
    await ensureTopics(kafka, [{ topic, numPartitions: 2 }]);
    await using producer = await ReferenceProducer.connect(kafka);
    const publishKeys = async (keys: string[]): Promise<PublishedRecord[]> => {
      const published: PublishedRecord[] = [];
      for (const key of keys) published.push(await producer.publish(topic, { key, value: Buffer.from(key) }));
      return published;
    };
    const countPerPartition = (records: PublishedRecord[]) => [0, 1].map((partition) => records.filter((r) => r.partition === partition).length);

    const first = await publishKeys(['a', 'b', 'c', 'd', 'e', 'f']);
    const firstCounts = countPerPartition(first);

    const before = await describeLag(kafka, { groupId, topic });
    expect(before.partitions).toEqual([
      { partition: 0, committedOffset: null, endOffset: String(firstCounts[0]), lag: firstCounts[0] },
      { partition: 1, committedOffset: null, endOffset: String(firstCounts[1]), lag: firstCounts[1] },
    ]);
    expect(before.totalLag).toBe(6);

    let handled = 0;
    const consumer = await ReferenceConsumer.connect(kafka, { groupId, topics: [topic], fromBeginning: true, ...FAST_CONSUMER_OPTIONS });
    const running = consumer.run(async () => {
      handled += 1;
    });
    await waitUntil(async () => handled === 6 && (await describeLag(kafka, { groupId, topic })).totalLag === 0, 'all six records are committed');
    await consumer.close();
    await running;

    const second = await publishKeys(['g', 'h', 'i']);
    const secondCounts = countPerPartition(second);
    const after = await describeLag(kafka, { groupId, topic });
    expect(after.partitions).toEqual([0, 1].map((partition) => ({
      partition,
      committedOffset: String(firstCounts[partition]),
      endOffset: String((firstCounts[partition] ?? 0) + (secondCounts[partition] ?? 0)),
      lag: secondCounts[partition],
    })));
    expect(after.totalLag).toBe(3);
  });
});
