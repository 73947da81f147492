import { silentLogger } from '@fluxo/schema';
import { withAdmin, type FluxoKafka } from './create-kafka';
import { ReferenceProducer } from './reference-producer';
import { createTestTopic, testKafka, type TestTopic } from './testing';
import { existingTopics, offsetsAtTime, readRanges, topicOffsets } from './topic-reader';

describe('topic reader (bounded ranges, no group left behind)', () => {
  let kafka: FluxoKafka;
  let topic: TestTopic;
  let producer: ReferenceProducer;
  let middle: number;

  beforeAll(async () => {
    kafka = testKafka(silentLogger);
    topic = await createTestTopic(kafka, { prefix: 'reader', numPartitions: 2 });
    producer = await ReferenceProducer.connect(kafka, { logger: silentLogger });
    for (let i = 0; i < 10; i += 1) {
      if (i === 5) middle = Date.now();
      await producer.publish(topic.name, { key: `key-${i % 5}`, value: Buffer.from(`v${i}`) });
    }
  });

  afterAll(async () => {
    await producer.close();
    await topic.delete();
  });

  it('reads exactly the records of the ranges, clamped to the log, and deletes its group', async () => {
    const offsets = await topicOffsets(kafka, topic.name);
    expect(offsets.reduce((sum, entry) => sum + Number(entry.high), 0)).toBe(10);
    const groupsBefore = await withAdmin(kafka, (admin) => admin.listGroups());
    const progress: number[] = [];
    const read = await readRanges(
      kafka,
      topic.name,
      offsets.map((entry) => ({ partition: entry.partition, from: String(Math.max(0, Number(entry.high) - 2)), to: '1000' })),
      { onProgress: (count) => progress.push(count) },
    );
    expect(read.complete).toBe(true);
    const expected = offsets.flatMap((entry) => [Number(entry.high) - 2, Number(entry.high) - 1].filter((offset) => offset >= 0).map((offset) => `${entry.partition}:${offset}`));
    expect(read.messages.map((m) => `${m.partition}:${m.offset}`)).toEqual(expected);
    expect(progress.at(-1)).toBe(expected.length);
    const groupsAfter = await withAdmin(kafka, (admin) => admin.listGroups());
    expect(groupsAfter.groups.length).toBe(groupsBefore.groups.length);
  });

  it('tells which topics exist', async () => {
    expect([...(await existingTopics(kafka, [topic.name, `${topic.name}-missing`]))]).toEqual([topic.name]);
  });

  it('finds offsets by time and reads nothing for empty ranges', async () => {
    const since = await offsetsAtTime(kafka, topic.name, middle);
    const read = await readRanges(kafka, topic.name, [...since.entries()].map(([partition, from]) => ({ partition, from, to: '1000' })));
    expect(read.messages.map((m) => m.value.toString()).sort()).toEqual(['v5', 'v6', 'v7', 'v8', 'v9']);
    const future = await offsetsAtTime(kafka, topic.name, Date.now() + 60_000);
    expect((await readRanges(kafka, topic.name, [...future.entries()].map(([partition, from]) => ({ partition, from, to: '1000' })))).messages).toEqual([]);
  });
});
