// @ts-check
/**
 * Kafka from the bench's side (kafkajs directly: the bench plays the *other* party — the producer of
 * raw references before the normalizer starts, and a watcher of the curated-files topic).
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Kafka, logLevel } = require('kafkajs');

/** @param {string[]} brokers */
export function benchKafka(brokers) {
  return new Kafka({ clientId: 'fluxo-bench', brokers, logLevel: logLevel.NOTHING, retry: { retries: 8, initialRetryTime: 200 } });
}

/** @param {any} kafka @param {string[]} topics @param {number} partitions */
export async function createTopics(kafka, topics, partitions) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1 })), waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

/** @param {any} kafka @param {string[]} topics */
export async function deleteTopics(kafka, topics) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics, timeout: 10_000 }).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Publishes serialized references (Buffers from libs/schema's serializeFileReference: validated),
 * keyed by dataset like ReferenceProducer does.
 * @param {any} kafka @param {string} topic @param {{ key: string, eventId: string, value: Buffer }[]} records
 */
export async function publish(kafka, topic, records) {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    await producer.send({
      topic,
      acks: -1,
      messages: records.map((r) => ({ key: r.key, value: r.value, headers: { 'fluxo-event-id': r.eventId } })),
    });
  } finally {
    await producer.disconnect();
  }
}

/**
 * @typedef {object} WatchedMessage
 * @property {any} value        parsed JSON
 * @property {number} timestamp Kafka record timestamp (CreateTime: set by the producer), ms
 * @property {number} receivedAt when the watcher got it, ms
 * @property {number} partition
 * @property {string} offset
 */

/**
 * Reads a topic from the beginning with a throw-away group and calls `onMessage` for each record.
 * @param {any} kafka @param {string} topic @param {(m: WatchedMessage) => void} [onMessage]
 */
export async function watchTopic(kafka, topic, onMessage = () => undefined) {
  /** @type {WatchedMessage[]} */
  const messages = [];
  const consumer = kafka.consumer({ groupId: `bench-watch-${topic}-${Date.now()}`, maxWaitTimeInMs: 100, sessionTimeout: 10_000, heartbeatInterval: 1000 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  /** @type {() => void} */
  let joined = () => undefined;
  const ready = new Promise((resolve) => (joined = () => resolve(undefined)));
  consumer.on(consumer.events.GROUP_JOIN, () => joined());
  await consumer.run({
    autoCommit: false,
    eachMessage: async (/** @type {any} */ { message, partition }) => {
      const m = { value: JSON.parse(message.value.toString('utf8')), timestamp: Number(message.timestamp), receivedAt: Date.now(), partition, offset: message.offset };
      messages.push(m);
      onMessage(m);
    },
  });
  await ready;
  return {
    messages,
    stop: async () => {
      await consumer.disconnect();
    },
  };
}

/**
 * Total lag of a group on a topic (end offset − committed offset, over partitions).
 * @param {any} admin a connected kafkajs admin @param {string} groupId @param {string} topic
 */
export async function groupLag(admin, groupId, topic) {
  const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
  const byPartition = new Map((committed[0]?.partitions ?? []).map((/** @type {any} */ p) => [p.partition, Number(p.offset)]));
  let lag = 0;
  for (const p of ends) {
    const done = byPartition.get(p.partition) ?? -1;
    lag += Number(p.high) - (done < 0 ? Number(p.low) : done);
  }
  return lag;
}

/**
 * Publishes records to explicit partitions, in order within each partition (chunks of `chunk`
 * records per request), keyed like ReferenceProducer does.
 * @param {any} kafka @param {string} topic @param {{ partition: number, key: string, value: Buffer | string }[]} records @param {number} [chunk]
 */
export async function publishToPartitions(kafka, topic, records, chunk = 500) {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (let start = 0; start < records.length; start += chunk) {
      await producer.send({ topic, acks: -1, messages: records.slice(start, start + chunk).map((r) => ({ partition: r.partition, key: r.key, value: r.value })) });
    }
  } finally {
    await producer.disconnect();
  }
}
