import { describeLag } from '@fluxo/kafka-client';
import { eventually, PipelineHarness, type AppProcess, type LogLine } from '@fluxo/e2e-harness';
import { OwnSparkServer } from './support/spark-server';
import { SIX_POLLS_EXPECTED, SIX_POLLS_SOURCES, allDayServed } from './support/six-polls';

const waitingLine = (line: LogLine) => typeof line.msg === 'string' && line.msg.startsWith('waiting for Spark Connect at sc://127.0.0.1:');
const answersLine = (line: LogLine) => typeof line.msg === 'string' && /^Spark Connect at sc:\/\/\S+ answers$/.test(line.msg);

/**
 * Issue 12: a Spark Connect outage is not bad input. The normalizer (FLUXO_ENGINE=spark) starts
 * while its server is still booting and says it waits; the server is stopped after the first
 * commits, while raw references keep arriving, and started again: nothing is dead-lettered (with
 * FLUXO_MAX_ATTEMPTS=2 the old behaviour dead-lettered a file after its second failed attempt),
 * nothing lost, every version curated exactly once. Uses a server of its own (it is stopped).
 */
describe('issue 12: the Spark engine waits out a Spark Connect outage', () => {
  let spark: OwnSparkServer;
  let pipeline: PipelineHarness;
  let normalizer: AppProcess;
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    spark = await OwnSparkServer.create();
    pipeline = await PipelineHarness.create('spark-outage');
  });
  afterAll(async () => {
    await pipeline.close();
    await spark.close();
    console.log(`Spark Connect start-up in this test: ${JSON.stringify(timings)}`);
  });

  it('reports "waiting for Spark Connect" at start and during the outage, then curates 217/200 with no dead letter', async () => {
    normalizer = await pipeline.startNormalizer({ FLUXO_ENGINE: 'spark', FLUXO_SPARK_REMOTE: spark.remote, FLUXO_MAX_ATTEMPTS: '2', FLUXO_COMMIT_MAX_FILES: '1' });
    // Started before the server: it must come up anyway and say what it waits for.
    const atStart = await normalizer.waitForLine(waitingLine, 120_000);
    expect(atStart.msg).toBe(`waiting for Spark Connect at sc://127.0.0.1:${spark.port}`);
    expect(JSON.stringify(atStart)).not.toContain(spark.token); // the token is a secret
    await pipeline.startIngest(SIX_POLLS_SOURCES);
    timings['firstStartMs'] = await spark.start();
    await normalizer.waitForLine(answersLine, 300_000);
    await normalizer.waitForLine((line) => line.msg === 'committed curated batch', 300_000);

    // The outage: mid-run, while files are still to be curated.
    await spark.stop();
    const waitingBefore = normalizer.lines.filter(waitingLine).length;
    await eventually(async () => normalizer.lines.filter(waitingLine).length, (n) => n > waitingBefore, 'the normalizer reports the outage', 120_000);
    await eventually(
      async () => allDayServed(pipeline.replay),
      (served) => served >= 6,
      'the six polls are served during the outage',
      120_000,
    );
    // Retried (with back-off) while the server is away, without counting attempts or dead-lettering.
    await eventually(async () => normalizer.lines.filter((line) => line.msg === 'handler failed with a retriable error; retrying').length, (n) => n >= 3, 'batches are retried during the outage', 180_000);
    expect(await pipeline.deadLetters()).toEqual([]);

    timings['restartMs'] = await spark.start();
    await eventually(() => pipeline.curatedEarthquakes(), (counts) => counts.rows >= SIX_POLLS_EXPECTED.rows, 'all versions curated after the restart', 300_000);
    await eventually(
      async () => (await describeLag(pipeline.kafka, { groupId: pipeline.groupId, topic: pipeline.topics.raw })).partitions.map((p) => (p.committedOffset === null && p.endOffset !== '0' ? -1 : p.lag)),
      (lag) => lag.every((n) => n === 0),
      'every raw reference is committed',
      300_000,
    );
    expect(await pipeline.curatedEarthquakes()).toEqual(SIX_POLLS_EXPECTED);
    expect(await pipeline.deadLetters()).toEqual([]);
    expect(normalizer.lines.filter(answersLine).length).toBeGreaterThanOrEqual(2); // back after the outage
  }, 1_200_000);
});
