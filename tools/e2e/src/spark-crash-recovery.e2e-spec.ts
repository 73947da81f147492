import { testSparkRemote } from '@fluxo/spark-connect/testing';
import { eventually, PipelineHarness } from '@fluxo/e2e-harness';
import { SIX_POLLS_EXPECTED, allDayServed } from './support/six-polls';


/**
 * Issue 12, part 3: the normalizer with the Spark engine is SIGKILLed right after it submitted a
 * Spark job (its debug line "spark job started"; the job takes seconds, the kill lands in it), and
 * restarted. The killed job runs on in the server into its own staging folder, which no commit
 * references; the restart maps the record again and the six polls still end as 217 versions of 200
 * events, nothing dead-lettered.
 */
describe('issue 12: SIGKILL of the Spark-engine normalizer mid-job, restart, still exactly once', () => {
  let pipeline: PipelineHarness;

  beforeAll(async () => {
    pipeline = await PipelineHarness.create('spark-crash');
  });
  afterAll(() => pipeline.close());

  it('curates every version exactly once after the kill', async () => {
    const env = { FLUXO_ENGINE: 'spark', FLUXO_SPARK_REMOTE: testSparkRemote(), FLUXO_LOG_LEVEL: 'debug' };
    const first = await pipeline.startNormalizer(env);
    await pipeline.startIngest('usgs-earthquakes?feed=all_day&intervalMs=1500');
    await first.waitForLine((line) => line.msg === 'spark job started', 180_000);
    await first.kill();
    expect(first.lines.filter((line) => line.msg === 'committed curated batch')).toEqual([]);

    const second = await pipeline.startNormalizer(env);
    await eventually(
      async () => ({ served: allDayServed(pipeline.replay), curated: await pipeline.curatedEarthquakes() }),
      ({ served, curated }) => served >= 6 && curated.rows >= SIX_POLLS_EXPECTED.rows,
      'all polls are served and curated after the kill',
    );
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(await pipeline.curatedEarthquakes()).toEqual(SIX_POLLS_EXPECTED);
    expect(await pipeline.deadLetters()).toEqual([]);
    expect(second.lines.filter((line) => line.msg === 'spark job started').length).toBeGreaterThan(0);
  });
});
