import { setTimeout as sleep } from 'node:timers/promises';
import type {
  Consumer,
  ConsumerCrashEvent,
  ConsumerEndBatchProcessEvent,
  ConsumerGroupJoinEvent,
  ConsumerRunConfig,
  EachBatchPayload,
  EachMessagePayload,
  IHeaders,
  KafkaMessage,
} from 'kafkajs';
import { describeError, type Logger } from '@fluxo/schema';
import { kafkajsOf, settingsOf, type FluxoKafka } from './create-kafka';
import { KafkaClientError, toKafkaClientError } from './errors';
import { PartitionPositions, type PartitionPosition } from './partition-positions';
import { describeLag } from './topic-admin';

/** One record as the handler sees it. */
export interface ConsumedMessage {
  readonly topic: string;
  readonly partition: number;
  /** Decimal string: Kafka offsets are 64-bit. */
  readonly offset: string;
  /** UTF-8 decoded key, null when the record has none. */
  readonly key: string | null;
  /** The payload; empty for a tombstone (fluxo topics carry none). */
  readonly value: Buffer;
  /** UTF-8 decoded headers; for a repeated header, the last value. */
  readonly headers: Readonly<Record<string, string>>;
  /** Record timestamp (producer create time unless the topic uses log-append time), ms since the epoch. */
  readonly timestampMs: number;
}

/**
 * Processes one record. Contract:
 * - resolve → the record's offset is committed, the next record of the partition follows;
 * - throw an error with `retriable: true` (any `FluxoError`/kafkajs error marked so) → the same record is
 *   retried with exponential back-off, never committed in between, until it succeeds;
 * - any other failure must be handled by the handler itself (publish a dead-letter event, then resolve).
 *   A non-retriable error that escapes stops the consumer WITHOUT committing: `run()` rejects with
 *   `CONSUMER_FAILED`, and the record is delivered again after a restart. Nothing is skipped silently.
 * Delivery is at-least-once (a crash between the handler and the commit redelivers), so handlers must be idempotent.
 */
export type MessageHandler = (message: ConsumedMessage) => Promise<void>;

/**
 * Processes consecutive records of ONE partition at once (oldest first), with the same contract as
 * `MessageHandler`: resolve → the offset after the last record is committed; a retriable error → the
 * same records are offered again after a back-off; anything else stops the consumer uncommitted.
 * `revoked` aborts when a heartbeat during the call reports a rebalance: the partition may be moving
 * to another member. The handler should stop at its next safe point (between its own commits) and
 * resolve; the consumer then commits no Kafka offset for these records and re-joins the group —
 * whatever the handler committed elsewhere (the catalog's progress) is what the next owner resumes from.
 */
export type BatchHandler = (messages: readonly ConsumedMessage[], context: { readonly revoked: AbortSignal }) => Promise<void>;

export interface BatchOptions {
  /** At most this many records per handler call; records already fetched are grouped, none is waited for. */
  readonly maxMessages: number;
}

export interface AssignedPartition {
  readonly topic: string;
  readonly partition: number;
}

export interface ReferenceConsumerOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly logger?: Logger;
  /** Where a group without committed offsets starts: the oldest record (true) or only new ones (false, default). */
  readonly fromBeginning?: boolean;
  /**
   * The group evicts a member silent for this long. Default 30000 (broker allows 6000-300000 by default).
   * Handler calls may take longer: the member heartbeats while they run.
   */
  readonly sessionTimeoutMs?: number;
  /** Default 3000; must be below sessionTimeoutMs. */
  readonly heartbeatIntervalMs?: number;
  /** How long the group waits for members to re-join during a rebalance. Default 60000. */
  readonly rebalanceTimeoutMs?: number;
  /** Longest wait of an empty fetch; also bounds how long `close()` waits for it. Default 1000. */
  readonly maxWaitTimeMs?: number;
  /** Default 1048576. */
  readonly maxBytesPerPartition?: number;
  /** Partitions handled in parallel; each still strictly one record at a time, in order. Default 1. */
  readonly partitionsConsumedConcurrently?: number;
  /** Back-off between retries of a record whose handler threw a retriable error. Defaults 500 / 30000. */
  readonly retryBackoff?: { readonly initialDelayMs?: number; readonly maxDelayMs?: number };
  /**
   * Called after every group join (start and each rebalance) with this member's partitions. Records are
   * handled only after the returned promise settles; a failure is logged and processing continues.
   */
  readonly onAssigned?: (partitions: readonly AssignedPartition[]) => void | Promise<void>;
}

interface Tuning {
  readonly heartbeatIntervalMs: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

type State = 'connected' | 'running' | 'closing' | 'closed';

/**
 * A consumer-group member that hands records to one handler, one at a time per partition, and commits a
 * record's offset only after the handler resolved (auto-commit is off; it commits `offset + 1` itself).
 */
export class ReferenceConsumer implements AsyncDisposable {
  private state: State = 'connected';
  private assignmentReady: Promise<void> = Promise.resolve();
  /** Offsets read for lag after a join (never rejects); `close()` waits for it, so no admin client outlives the consumer. */
  private seeding: Promise<void> = Promise.resolve();
  private settleRun: { resolve: () => void; reject: (error: KafkaClientError) => void } | undefined;
  private fatal: KafkaClientError | undefined;
  private closing: Promise<void> | undefined;
  /** Records being handled (and committed) right now; `close()` waits for them before stopping kafkajs. */
  private readonly inFlight = new Set<Promise<void>>();
  /** Commits go out one after another, so a later offset can never be overtaken by an earlier one. */
  private commits: Promise<void> = Promise.resolve();
  /** Highest offset committed per `topic\u0000partition` since this member last joined the group. */
  private readonly highestCommit = new Map<string, bigint>();
  /** High watermark, next offset and waiting records per owned partition, for lag (`positions()`). */
  private readonly partitionPositions = new PartitionPositions();

  private constructor(
    private readonly kafka: FluxoKafka,
    private readonly consumer: Consumer,
    private readonly options: ReferenceConsumerOptions,
    private readonly tuning: Tuning,
    private readonly logger: Logger,
  ) {
    const { events } = consumer;
    consumer.on(events.GROUP_JOIN, (event) => this.onGroupJoin(event));
    consumer.on(events.REBALANCING, ({ payload }) => this.logger.info({ memberId: payload.memberId }, 'consumer group is rebalancing'));
    consumer.on(events.CRASH, (event) => this.onCrash(event));
    consumer.on(events.END_BATCH_PROCESS, (event) => this.onFilteredBatch(event));
  }

  /** Joins nothing yet: connects and subscribes. Throws `INVALID_SETTINGS`, `CONNECTION_FAILED` or `CONSUMER_FAILED`. */
  static async connect(kafka: FluxoKafka, options: ReferenceConsumerOptions): Promise<ReferenceConsumer> {
    const tuning = validate(options);
    const logger = (options.logger ?? kafka.logger).child({ component: 'kafka-consumer', groupId: options.groupId });
    const { retry } = settingsOf(kafka);
    const consumer = kafkajsOf(kafka).consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: tuning.heartbeatIntervalMs,
      rebalanceTimeout: options.rebalanceTimeoutMs ?? 60_000,
      maxWaitTimeInMs: options.maxWaitTimeMs ?? 1_000,
      maxBytesPerPartition: options.maxBytesPerPartition ?? 1_048_576,
      allowAutoTopicCreation: false,
      retry: {
        initialRetryTime: retry.initialRetryTimeMs,
        maxRetryTime: retry.maxRetryTimeMs,
        retries: retry.retries,
        factor: 0.2,
        multiplier: 2,
        // kafkajs restarts the consumer after a retriable crash (broker gone for longer than the retries).
        restartOnFailure: (error) => {
          logger.warn({ error: error.message }, 'consumer crashed on a retriable error; restarting');
          return Promise.resolve(true);
        },
      },
    });
    try {
      await consumer.connect();
    } catch (error) {
      throw toKafkaClientError('CONNECTION_FAILED', `Consumer could not connect to ${kafka.brokers.join(',')}`, error, { groupId: options.groupId });
    }
    try {
      await consumer.subscribe({ topics: [...options.topics], fromBeginning: options.fromBeginning ?? false });
    } catch (error) {
      await consumer.disconnect().catch(() => undefined);
      throw toKafkaClientError('CONSUMER_FAILED', `Could not subscribe to ${options.topics.join(', ')}`, error, { groupId: options.groupId });
    }
    return new ReferenceConsumer(kafka, consumer, options, tuning, logger);
  }

  /**
   * Starts consuming. Resolves when `close()` has finished; rejects with `CONSUMER_FAILED` when the
   * consumer stops on its own (a handler's non-retriable error, or a fatal client error).
   */
  async run(handler: MessageHandler): Promise<void> {
    return this.start({ eachMessage: (payload) => this.track(this.process(payload, handler)) });
  }

  private async start(mode: Pick<ConsumerRunConfig, 'eachMessage' | 'eachBatch' | 'eachBatchAutoResolve'>): Promise<void> {
    if (this.state !== 'connected') {
      throw new KafkaClientError(this.state === 'running' ? 'CONSUMER_FAILED' : 'CLIENT_CLOSED', `run() is not allowed: the consumer is ${this.state}`, {
        groupId: this.options.groupId,
      });
    }
    this.state = 'running';
    const stopped = new Promise<void>((resolve, reject) => {
      this.settleRun = { resolve, reject };
    });
    try {
      await this.consumer.run({
        autoCommit: false,
        partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
        ...mode,
      });
    } catch (error) {
      this.state = 'closed';
      throw toKafkaClientError('CONSUMER_FAILED', 'The consumer could not start', error, { groupId: this.options.groupId });
    }
    this.logger.info({ topics: this.options.topics }, 'consumer started');
    return stopped;
  }

  /**
   * Like `run`, but hands the handler the records that are already fetched for a partition, up to
   * `maxMessages` at a time: a live trickle arrives one record per call, a backlog in large groups.
   * Nothing waits for a group to fill.
   */
  async runBatches(handler: BatchHandler, options: BatchOptions): Promise<void> {
    if (!Number.isSafeInteger(options.maxMessages) || options.maxMessages < 1) {
      throw new KafkaClientError('INVALID_SETTINGS', 'maxMessages: must be an integer >= 1', { groupId: this.options.groupId });
    }
    return this.start({
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.track(this.processBatch(payload, handler, options.maxMessages)),
    });
  }

  /** Stops fetching; the record in flight (if any) still finishes and is committed. */
  pause(): void {
    this.consumer.pause(this.options.topics.map((topic) => ({ topic })));
  }

  resume(): void {
    this.consumer.resume(this.options.topics.map((topic) => ({ topic })));
  }

  /**
   * Graceful stop: lets the record in flight finish and commits it (a record waiting for a retry is left
   * uncommitted), leaves the group so its partitions move at once, disconnects. Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.state !== 'closed') this.state = 'closing';
      // kafkajs silently drops commits once it is stopping, so the record in flight must finish (and its
      // offset be committed) before we stop it. Records not started yet are skipped and stay uncommitted.
      await Promise.allSettled([...this.inFlight]);
      await this.seeding;
      try {
        await this.consumer.disconnect();
      } catch (error) {
        this.logger.warn({ error: describeError(error) }, 'consumer did not disconnect cleanly');
      }
      this.state = 'closed';
      this.settleRun?.resolve();
      this.logger.info({}, 'consumer closed');
    })();
    return this.closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * This member's position in each partition it owns: lag in records (high watermark at the last
   * fetch − next offset to process) and the Kafka timestamp of the oldest record fetched but not
   * processed yet. Only `runBatches` fetches carry the high watermark; an idle partition is seeded
   * from the admin API after each join. Cheap: no I/O.
   */
  positions(): PartitionPosition[] {
    return this.partitionPositions.snapshot();
  }

  private track(processing: Promise<void>): Promise<void> {
    this.inFlight.add(processing);
    const forget = () => this.inFlight.delete(processing);
    processing.then(forget, forget);
    return processing;
  }

  private async process({ topic, partition, message, heartbeat }: EachMessagePayload, handler: MessageHandler): Promise<void> {
    await this.assignmentReady;
    const consumed = toConsumedMessage(topic, partition, message);
    this.partitionPositions.fetched(topic, partition, null, [consumed]);
    if (await this.handleWithRetries({ topic, partition, offset: message.offset }, heartbeat, () => this.whileHeartbeating(heartbeat, () => handler(consumed)))) {
      await this.commit(topic, partition, message.offset);
    }
  }

  private async processBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload, handler: BatchHandler, maxMessages: number): Promise<void> {
    await this.assignmentReady;
    const { topic, partition } = batch;
    const messages = batch.messages.map((message) => toConsumedMessage(topic, partition, message));
    this.partitionPositions.fetched(topic, partition, batch.highWatermark, messages);
    for (let start = 0; start < messages.length; start += maxMessages) {
      if (!isRunning() || isStale()) return; // a rebalance moved the partition: the new owner re-reads from the commit
      const group = messages.slice(start, start + maxMessages);
      const last = group[group.length - 1];
      if (last === undefined) return;
      const first = group[0]?.offset ?? last.offset;
      const where = { topic, partition, offset: `${first}..${last.offset}` };
      const revoked = new AbortController();
      const handled = await this.handleWithRetries(where, heartbeat, () => this.whileHeartbeating(heartbeat, () => handler(group, { revoked: revoked.signal }), revoked), revoked.signal);
      if (revoked.signal.aborted) {
        // The group is rebalancing and this partition may have moved: commit nothing for it, re-join.
        this.logger.info({ ...where, groupId: this.options.groupId }, 'rebalance during a batch: its Kafka offset is not committed; the next owner resumes from the handler\'s own progress');
        throw revoked.signal.reason;
      }
      if (!handled) return;
      resolveOffset(last.offset);
      await this.commit(topic, partition, last.offset);
      await heartbeat();
    }
  }

  /**
   * Runs `attempt` until it succeeds (true), retrying retriable errors with back-off; false when the
   * consumer is closing meanwhile (leave the records uncommitted: the next member gets them). A
   * non-retriable error stops the consumer without committing.
   */
  private async handleWithRetries(
    where: { topic: string; partition: number; offset: string },
    heartbeat: () => Promise<void>,
    attempt: () => Promise<void>,
    revoked?: AbortSignal,
  ): Promise<boolean> {
    const context = { ...where, groupId: this.options.groupId };
    for (let tries = 1; ; tries += 1) {
      if (this.state !== 'running' || revoked?.aborted === true) return false;
      try {
        await attempt();
        return true;
      } catch (error) {
        if (!isRetriable(error)) {
          this.fatal = new KafkaClientError(
            'CONSUMER_FAILED',
            `The handler failed with a non-retriable error on ${where.topic}[${where.partition}]@${where.offset}; the consumer stopped without committing it ` +
              '(handlers must dead-letter such records themselves): ' +
              describeError(error),
            { ...context, cause: error, retriable: false },
          );
          this.logger.error({ ...context, error: describeError(error) }, 'handler failed with a non-retriable error; stopping the consumer');
          // No cause attached: kafkajs decides whether to restart from the cause chain, and it must not.
          throw new KafkaClientError('CONSUMER_FAILED', 'handler failed with a non-retriable error', { ...context, retriable: false });
        }
        const delayMs = backoffMs(tries, this.tuning);
        this.logger.warn({ ...context, attempt: tries, delayMs, error: describeError(error) }, 'handler failed with a retriable error; retrying');
        await this.waitWithHeartbeats(delayMs, heartbeat);
      }
    }
  }

  /**
   * Commits `offset + 1`: the next record the group should read. Commits only move forward: kafkajs
   * fetches ahead, so a batch of transaction markers may end while an earlier record of the same
   * partition is still in its handler; that record's later commit must not move the offset back.
   */
  private commit(topic: string, partition: number, offset: string): Promise<void> {
    const next = BigInt(offset) + 1n;
    const key = `${topic}\u0000${partition}`;
    const commit = this.commits.then(async () => {
      if ((this.highestCommit.get(key) ?? -1n) >= next) return; // checked in turn: commits run one at a time
      await this.consumer.commitOffsets([{ topic, partition, offset: next.toString() }]);
      this.highestCommit.set(key, next);
      this.partitionPositions.committed(topic, partition, next.toString());
    });
    this.commits = commit.catch(() => undefined);
    return commit;
  }

  /**
   * A fetched batch holding only records the handler must not see (transaction markers, aborted records):
   * kafkajs moves past it in memory but, with auto-commit off, nobody commits that. Commit it, or a
   * transactional topic would show a lag of 1 forever and a restarted member would re-read the marker.
   */
  private onFilteredBatch({ payload }: ConsumerEndBatchProcessEvent): void {
    if (payload.batchSize !== 0 || this.state !== 'running') return;
    this.commit(payload.topic, payload.partition, payload.lastOffset).catch((error: unknown) =>
      this.logger.warn({ topic: payload.topic, partition: payload.partition, error: describeError(error) }, 'could not commit past transaction markers; the next processed record will'),
    );
  }

  /**
   * Runs one handler call while heartbeating every `heartbeatIntervalMs`, so a handler step longer
   * than the session timeout (a large commit, a slow disk) never gets this member evicted from the
   * group. kafkajs sends nothing on its own while a handler runs. A heartbeat that fails (the group
   * is rebalancing, the coordinator moved) is only logged here: the call in flight finishes, and the
   * heartbeat after its commit reports the rebalance to kafkajs, which re-joins. With `revoked`, a
   * rebalance reported meanwhile aborts it (reason: kafkajs's error, which makes kafkajs re-join).
   */
  private async whileHeartbeating(heartbeat: () => Promise<void>, call: () => Promise<void>, revoked?: AbortController): Promise<void> {
    let beating: Promise<void> = Promise.resolve();
    const timer = setInterval(() => {
      beating = beating.then(heartbeat).catch((error: unknown) => {
        if (revoked !== undefined && !revoked.signal.aborted && isRebalance(error)) {
          this.logger.info({ error: describeError(error) }, 'the group is rebalancing during a handler call; asking the handler to stop at its next commit');
          revoked.abort(error);
          return;
        }
        this.logger.debug({ error: describeError(error) }, 'heartbeat during a handler call failed; the group re-joins after it');
      });
    }, this.tuning.heartbeatIntervalMs);
    try {
      await call();
    } finally {
      clearInterval(timer);
      await beating;
    }
  }

  /** Sleeps in short steps, heartbeating so the group keeps us; a rebalance error propagates (kafkajs re-joins). */
  private async waitWithHeartbeats(delayMs: number, heartbeat: () => Promise<void>): Promise<void> {
    const deadline = Date.now() + delayMs;
    while (this.state === 'running') {
      const remaining = deadline - Date.now();
      if (remaining <= 0) return;
      await sleep(Math.min(remaining, 200));
      await heartbeat();
    }
  }

  private onGroupJoin({ payload }: ConsumerGroupJoinEvent): void {
    this.highestCommit.clear(); // another member may have moved the offsets meanwhile
    const partitions = Object.entries(payload.memberAssignment).flatMap(([topic, numbers]) => numbers.map((partition) => ({ topic, partition })));
    this.partitionPositions.assigned(partitions);
    const seeding = this.seedPositions([...new Set(partitions.map((p) => p.topic))]);
    this.seeding = Promise.all([this.seeding, seeding]).then(() => undefined);
    this.logger.info(
      { memberId: payload.memberId, isLeader: payload.isLeader, durationMs: payload.duration, partitions: partitions.map((p) => `${p.topic}[${p.partition}]`) },
      'joined the consumer group',
    );
    const onAssigned = this.options.onAssigned;
    if (onAssigned === undefined) return;
    this.assignmentReady = Promise.resolve()
      .then(() => onAssigned(partitions))
      .catch((error: unknown) => this.logger.error({ error: describeError(error) }, 'onAssigned callback failed; continuing'));
  }

  /** Idle partitions send no batches: take their end and committed offsets from the admin API once. */
  private async seedPositions(topics: readonly string[]): Promise<void> {
    for (const topic of topics) {
      try {
        const lag = await describeLag(this.kafka, { groupId: this.options.groupId, topic });
        // Nothing committed yet: the group starts at the log start (fromBeginning), endOffset − lag.
        for (const p of lag.partitions) this.partitionPositions.seed(topic, p.partition, p.endOffset, p.committedOffset ?? String(BigInt(p.endOffset) - BigInt(p.lag)));
      } catch (error) {
        this.logger.debug({ topic, error: describeError(error) }, 'could not read offsets for lag; fetches will tell');
      }
    }
  }

  private onCrash({ payload }: ConsumerCrashEvent): void {
    if (payload.restart) return; // logged by restartOnFailure
    const error = this.fatal ?? toKafkaClientError('CONSUMER_FAILED', 'The consumer stopped', payload.error, { groupId: this.options.groupId });
    if (this.fatal === undefined) this.logger.error({ error: error.message }, 'consumer stopped on a fatal error');
    this.state = 'closed';
    this.settleRun?.reject(error);
  }
}

/** kafkajs's errors meaning "this member's partitions may be moving": re-join before committing anything. */
function isRebalance(error: unknown): boolean {
  const type = typeof error === 'object' && error !== null ? (error as { type?: unknown }).type : undefined;
  return type === 'REBALANCE_IN_PROGRESS' || type === 'ILLEGAL_GENERATION' || type === 'UNKNOWN_MEMBER_ID' || type === 'FENCED_INSTANCE_ID';
}

function isRetriable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { retriable?: unknown }).retriable === true;
}

function backoffMs(attempt: number, { initialDelayMs, maxDelayMs }: Tuning): number {
  const base = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

function toConsumedMessage(topic: string, partition: number, message: KafkaMessage): ConsumedMessage {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key === null ? null : message.key.toString('utf8'),
    value: message.value ?? Buffer.alloc(0),
    headers: decodeHeaders(message.headers),
    timestampMs: Number(message.timestamp),
  };
}

function decodeHeaders(headers: IHeaders | undefined): Record<string, string> {
  const decoded: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers ?? {})) {
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (value !== undefined) decoded[name] = Buffer.isBuffer(value) ? value.toString('utf8') : value;
  }
  return decoded;
}

function validate(options: ReferenceConsumerOptions): Tuning {
  const problems: string[] = [];
  if (typeof options.groupId !== 'string' || options.groupId.trim() === '') problems.push('groupId: must not be empty');
  if (!Array.isArray(options.topics) || options.topics.length === 0) problems.push('topics: must list at least one topic');
  const sessionTimeoutMs = options.sessionTimeoutMs ?? 30_000;
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? 3_000;
  const initialDelayMs = options.retryBackoff?.initialDelayMs ?? 500;
  const maxDelayMs = options.retryBackoff?.maxDelayMs ?? 30_000;
  const integers: Array<[string, number | undefined, number]> = [
    ['sessionTimeoutMs', sessionTimeoutMs, 1],
    ['heartbeatIntervalMs', heartbeatIntervalMs, 1],
    ['rebalanceTimeoutMs', options.rebalanceTimeoutMs, 1],
    ['maxWaitTimeMs', options.maxWaitTimeMs, 0],
    ['maxBytesPerPartition', options.maxBytesPerPartition, 1],
    ['partitionsConsumedConcurrently', options.partitionsConsumedConcurrently, 1],
    ['retryBackoff.initialDelayMs', initialDelayMs, 1],
    ['retryBackoff.maxDelayMs', maxDelayMs, 1],
  ];
  for (const [name, value, min] of integers) {
    if (value !== undefined && (!Number.isSafeInteger(value) || value < min)) problems.push(`${name}: must be an integer >= ${min}`);
  }
  if (heartbeatIntervalMs >= sessionTimeoutMs) problems.push('heartbeatIntervalMs: must be below sessionTimeoutMs (a third of it is usual)');
  if (initialDelayMs > maxDelayMs) problems.push('retryBackoff.initialDelayMs: must not exceed retryBackoff.maxDelayMs');
  if (problems.length > 0) {
    throw new KafkaClientError('INVALID_SETTINGS', `Invalid consumer options:\n  - ${problems.join('\n  - ')}`, { groupId: options.groupId });
  }
  return { heartbeatIntervalMs, initialDelayMs, maxDelayMs };
}
