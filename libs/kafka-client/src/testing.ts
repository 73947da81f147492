/**
 * Helpers for tests that talk to a real broker (any project's `*.int-spec.ts`). The broker address comes
 * from FLUXO_TEST_KAFKA_BROKERS; names are unique per call so tests never share topics or groups.
 */
import { randomBytes } from 'node:crypto';
import { silentLogger, type Logger } from '@fluxo/schema';
import { createKafka, kafkajsOf, withAdmin, type FluxoKafka } from './create-kafka';
import { deleteTopics, ensureTopics } from './topic-admin';
import type { ConsumedMessage, ReferenceConsumerOptions } from './reference-consumer';
import type { KafkaSettings } from './settings';

const TEST_BROKERS_ENV = 'FLUXO_TEST_KAFKA_BROKERS';

/** Settings for the test broker, with fast retries (no hidden NODE_ENV switch: they are explicit here). */
export function testKafkaSettings(overrides: Partial<KafkaSettings> = {}): KafkaSettings {
  const brokers = (process.env[TEST_BROKERS_ENV] ?? '')
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker !== '');
  if (brokers.length === 0) {
    throw new Error(
      `${TEST_BROKERS_ENV} is not set. Broker tests need a real Kafka: start one with \`npm run kafka -- start\` ` +
        `and run them with ${TEST_BROKERS_ENV}=127.0.0.1:9092 (or use \`npm test\`, which starts its own).`,
    );
  }
  return {
    brokers,
    clientId: `fluxo-test-${process.pid}`,
    connectionTimeoutMs: 3_000,
    requestTimeoutMs: 15_000,
    retry: { initialRetryTimeMs: 100, maxRetryTimeMs: 2_000, retries: 8 },
    ...overrides,
  };
}

/** A client for the test broker. */
export function testKafka(logger: Logger = silentLogger, overrides: Partial<KafkaSettings> = {}): FluxoKafka {
  return createKafka(testKafkaSettings(overrides), logger);
}

/** Consumer options that make group joins and shutdowns quick on a local broker. */
export const FAST_CONSUMER_OPTIONS = {
  sessionTimeoutMs: 6_000,
  heartbeatIntervalMs: 500,
  maxWaitTimeMs: 100,
  retryBackoff: { initialDelayMs: 50, maxDelayMs: 500 },
} as const satisfies Partial<ReferenceConsumerOptions>;

/** `prefix-<time>-<random>`: a valid, unique topic or group name. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

export interface TestTopic extends AsyncDisposable {
  readonly name: string;
  delete(): Promise<void>;
}

/** Creates a uniquely named topic; dispose it (or call `delete()`) to remove it. */
export async function createTestTopic(kafka: FluxoKafka, options: { prefix?: string; numPartitions?: number } = {}): Promise<TestTopic> {
  const name = uniqueName(options.prefix ?? 'test');
  await ensureTopics(kafka, [{ topic: name, numPartitions: options.numPartitions ?? 1 }]);
  const remove = () => deleteTopics(kafka, [name]);
  return { name, delete: remove, [Symbol.asyncDispose]: remove };
}

/** Deletes consumer groups, ignoring ones that do not exist. */
export async function deleteGroups(kafka: FluxoKafka, groupIds: readonly string[]): Promise<void> {
  if (groupIds.length === 0) return;
  await withAdmin(kafka, (admin) => admin.deleteGroups([...groupIds])).catch(() => undefined);
}

/**
 * Every record in `topic` up to its end at call time, in offset order per partition, read `read_committed`
 * with a throwaway group (deleted afterwards). Rejects when the end is not reached within `timeoutMs` (default 15000).
 */
export async function readAll(kafka: FluxoKafka, topic: string, options: { timeoutMs?: number } = {}): Promise<ConsumedMessage[]> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const targets = new Map(
    (await withAdmin(kafka, (admin) => admin.fetchTopicOffsets(topic))).filter(({ high, low }) => BigInt(high) > BigInt(low)).map(({ partition, high }) => [partition, BigInt(high)]),
  );
  if (targets.size === 0) return [];
  const groupId = uniqueName('read-all');
  const consumer = kafkajsOf(kafka).consumer({ groupId, maxWaitTimeInMs: 100, allowAutoTopicCreation: false });
  const messages: ConsumedMessage[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`readAll(${topic}): the end was not reached within ${timeoutMs} ms (${messages.length} records read)`)), timeoutMs);
      // Batch ends, not records, tell where the consumer is: transaction markers take offsets but are never delivered.
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
        const target = targets.get(payload.partition);
        if (target !== undefined && BigInt(payload.lastOffset) + 1n >= target) targets.delete(payload.partition);
        if (targets.size === 0) {
          clearTimeout(timer);
          resolve();
        }
      });
      consumer
        .run({
          eachMessage: ({ partition, message }) => {
            messages.push({
              topic,
              partition,
              offset: message.offset,
              key: message.key === null ? null : message.key.toString('utf8'),
              value: message.value ?? Buffer.alloc(0),
              headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(Array.isArray(value) ? value.at(-1) : value)])),
              timestampMs: Number(message.timestamp),
            });
            return Promise.resolve();
          },
        })
        .catch((error: unknown) => {
          clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(String(error)));
        });
    });
  } finally {
    await consumer.disconnect();
    await deleteGroups(kafka, [groupId]);
  }
  return messages.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
}

/** Polls `condition` until it holds; rejects with `description` after `timeoutMs` (default 15000). */
export async function waitUntil(condition: () => boolean | Promise<boolean>, description: string, options: { timeoutMs?: number; intervalMs?: number } = {}): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${description}`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 50));
  }
}

/**
 * Cleanup steps registered during a test and run afterwards, newest first, continuing past failures:
 *   const cleanup = new TestCleanup();  afterEach(() => cleanup.run());
 *   const topic = cleanup.use(await createTestTopic(kafka));
 */
export class TestCleanup {
  private steps: Array<() => Promise<unknown>> = [];

  add(step: () => Promise<unknown>): void {
    this.steps.push(step);
  }

  /** Registers the resource's `Symbol.asyncDispose` and returns the resource. */
  use<T extends AsyncDisposable>(resource: T): T {
    this.add(async () => {
      await resource[Symbol.asyncDispose]();
    });
    return resource;
  }

  async run(): Promise<void> {
    const errors: unknown[] = [];
    for (let step = this.steps.pop(); step !== undefined; step = this.steps.pop()) {
      await step().catch((error: unknown) => errors.push(error));
    }
    if (errors.length > 0) throw new AggregateError(errors, `${errors.length} cleanup step(s) failed`);
  }
}
