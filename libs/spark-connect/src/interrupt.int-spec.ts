import { randomUUID } from 'node:crypto';
import { silentLogger } from '@fluxo/schema';
import { connectSparkSession, SparkConnectError, type QueryOptions, type SparkSession } from './index';
import { testSparkRemote } from './testing';

/**
 * Hours of scanning with no result rows and no shuffle: one task that checks for cancellation as it
 * goes. (An endless *result* would not do: Spark collects each partition's Arrow batches before
 * sending any, so the driver runs out of memory; and an aggregation starts its job only after
 * adaptive planning, so an interrupt that lands before that leaves the job running — Spark 4.1.)
 */
const LONG = 'SELECT id FROM range(0, 10000000000000, 1, 1) WHERE id < 0';

let spark: SparkSession;

beforeAll(async () => {
  spark = await connectSparkSession({ remote: testSparkRemote(), logger: silentLogger });
});

afterAll(async () => {
  await spark.close();
});

interface Running {
  readonly done: Promise<SparkConnectError>;
}

/** Starts the long query and returns once the server reports a running task: its job exists, so interrupting it kills the task. */
async function startLong(session: SparkSession, options: Omit<QueryOptions, 'onProgress'> & { operationId: string }): Promise<Running> {
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  const done = session.sql(LONG, { ...options, onProgress: (progress) => progress.inflightTasks > 0 && started() }).then(
    () => {
      throw new Error('the long query finished');
    },
    (error: unknown) => {
      if (error instanceof SparkConnectError) return error;
      throw error;
    },
  );
  await Promise.race([running, done.then((error) => Promise.reject(error))]);
  return { done };
}

describe('interrupt and cancel (real Spark Connect server)', () => {
  it('interrupts a running operation by id: it fails with INTERRUPTED', async () => {
    const operationId = randomUUID();
    const query = await startLong(spark, { operationId });
    expect(await spark.interrupt(operationId)).toEqual([operationId]);
    expect(await query.done).toMatchObject({ code: 'INTERRUPTED', errorClass: 'OPERATION_CANCELED', operationId, retriable: false });
    // The client released the operation before rejecting: the server no longer knows it.
    expect(await spark.interrupt(operationId)).toEqual([]);
  });

  it('interrupts by tag, leaving untagged operations alone', async () => {
    const tagged = randomUUID();
    const other = randomUUID();
    const controller = new AbortController();
    const taggedQuery = await startLong(spark, { operationId: tagged, tags: ['fluxo-test-tag'] });
    const otherQuery = await startLong(spark, { operationId: other, signal: controller.signal });
    expect(await spark.interruptTag('fluxo-test-tag')).toEqual([tagged]);
    expect((await taggedQuery.done).code).toBe('INTERRUPTED');
    controller.abort();
    expect((await otherQuery.done).code).toBe('CANCELLED');
  });

  it("cancels with the caller's AbortSignal: CANCELLED, and the server stops the operation", async () => {
    const operationId = randomUUID();
    const controller = new AbortController();
    const query = await startLong(spark, { operationId, signal: controller.signal });
    controller.abort(new Error('user pressed stop'));
    const error = await query.done;
    expect(error).toMatchObject({ code: 'CANCELLED', operationId });
    expect((error.cause as Error).message).toBe('user pressed stop');
    expect(await spark.interrupt(operationId)).toEqual([]); // interrupted and released before the rejection
    expect((await spark.sql('SELECT 1 AS still_usable')).table.numRows).toBe(1);
  });

  it('rejects at once when the signal has already fired', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(spark.sql('SELECT 1', { signal: controller.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('close() stops running statements with CLOSED', async () => {
    const session = await connectSparkSession({ remote: testSparkRemote(), logger: silentLogger });
    const query = await startLong(session, { operationId: randomUUID() });
    await session.close(); // releasing the session on the server also stops its operations
    expect((await query.done).code).toBe('CLOSED');
  });

  it('leaves no task running behind: a job that needs both cores still completes', async () => {
    const { table } = await spark.sql('SELECT count(*) AS n FROM range(0, 1000, 1, 2)');
    expect(table.get(0)?.toJSON()).toEqual({ n: 1000n });
  });
});
