import { describeLag } from '@fluxo/kafka-client';
import { sqlString } from '@fluxo/parquet-io';
import { testS3LakeStorage } from '@fluxo/schema/testing';
import { eventually, PipelineHarness, type AppProcess, type LogLine, type PipelineHarnessOptions } from '@fluxo/e2e-harness';
import { isMidWrite } from './support/write-markers';
import { SIX_POLLS_EXPECTED, allDayServed } from './support/six-polls';

const announced = (line: LogLine) => line.msg === 'announced raw file';
const curatedLine = (line: LogLine) => line.msg === 'committed curated batch';
/** Raw files a normalizer has committed so far (each commit line counts its raw files). */
const committedRawFiles = (app: AppProcess) => app.lines.filter(curatedLine).reduce((total, line) => total + Number(line['rawFiles'] ?? 0), 0);

/** Waits until the n-th line matching `predicate` has been printed. */
const nth = (app: AppProcess, predicate: (line: LogLine) => boolean, n: number) =>
  eventually(async () => app.lines.filter(predicate).length, (count) => count >= n, `${app.name} printed ${n} matching lines`, 60_000);

/** A statement the app logs (at debug, as it completes) in the middle of a write, as the soak kills them. */
const midWrite = {
  ingest: (line: LogLine) => isMidWrite('ingest', line),
  normalizer: (line: LogLine) => isMidWrite('normalizer', line),
};

/** The crash scenario on each lake: a local folder, and (issue 12 part 4) the run's Versity S3 Gateway (FLUXO_TEST_S3_*). */
const LAKES: readonly [string, () => PipelineHarnessOptions][] = [
  ['a local lake', () => ({})],
  ['the lake on S3', () => ({ s3: testS3LakeStorage('e2e-crash') })],
];

describe.each(LAKES)('crash recovery on %s: SIGKILL at several points, restart, still exactly once', (_lake, options) => {
  let pipeline: PipelineHarness;

  beforeEach(async () => {
    pipeline = await PipelineHarness.create('crash', options());
  });
  afterEach(() => pipeline.close());

  it('survives producer and normalizer crashes mid-stream', async () => {
    // Polls are spaced out so that a kill right after an announcement lands between two polls.
    const sources = 'usgs-earthquakes?feed=all_day&intervalMs=1500';
    let normalizer = await pipeline.startNormalizer();
    let ingest = await pipeline.startIngest(sources);

    // after an announcement, and after a commit
    await nth(ingest, announced, 1);
    await ingest.kill();
    await nth(normalizer, curatedLine, 1);
    await normalizer.kill();

    // ingest in the middle of a write: rows written (an object uploaded), not linked nor announced
    ingest = await pipeline.startIngest(sources);
    await nth(ingest, midWrite.ingest, 1);
    await ingest.kill();

    // the normalizer in the middle of a batch: raw files staged, the catalog commit not announced
    normalizer = await pipeline.startNormalizer();
    ingest = await pipeline.startIngest(sources);
    await nth(normalizer, midWrite.normalizer, 1);
    await normalizer.kill();
    normalizer = await pipeline.startNormalizer();

    await eventually(
      async () => ({ served: allDayServed(pipeline.replay), curated: await pipeline.curatedEarthquakes() }),
      ({ served, curated }) => served >= 6 && curated.rows >= SIX_POLLS_EXPECTED.rows,
      'all polls are served and curated after the crashes',
      120_000,
    );
    // Every announced reference processed: a straggler (a re-announced file, a duplicate) would have landed by now.
    await ingest.stop();
    await eventually(
      async () => (await describeLag(pipeline.kafka, { groupId: pipeline.groupId, topic: pipeline.topics.raw })).partitions.map((p) => (p.committedOffset === null && p.endOffset !== '0' ? -1 : p.lag)),
      (lag) => lag.every((n) => n === 0),
      'every raw reference is committed',
      120_000,
    );
    expect(await pipeline.curatedEarthquakes()).toEqual(SIX_POLLS_EXPECTED);
    const raw = await pipeline.references('raw');
    expect(raw.reduce((total, ref) => total + ref.rows, 0)).toBe(SIX_POLLS_EXPECTED.versions);
    expect(await pipeline.deadLetters()).toEqual([]);

    const s3 = pipeline.s3;
    if (s3 === undefined) return;
    // every reference names an object inside the lake root whose size and checksum match: nothing half-written was announced
    const curated = await pipeline.references('curated');
    expect(curated.length).toBeGreaterThan(0);
    for (const [zone, refs] of [['raw', raw], ['curated', curated]] as const) {
      for (const ref of refs) {
        expect(ref.uri.startsWith(`${s3.storage.root}/${zone}/`)).toBe(true);
        await expect(s3.lake.verifyFile(ref)).resolves.toMatchObject({ path: ref.uri });
      }
    }
    const [lineage] = await pipeline.queryTable<{ outside: number }>('earthquakes', `count(*) FILTER (WHERE _raw_uri NOT LIKE ${sqlString(`${s3.storage.root}/raw/%`)})::INTEGER AS outside`);
    expect(lineage?.outside).toBe(0);
  }, 300_000);
});

describe('crash recovery: one ingest per state folder, replays add nothing', () => {
  let pipeline: PipelineHarness;

  beforeEach(async () => {
    pipeline = await PipelineHarness.create('crash');
  });
  afterEach(() => pipeline.close());

  it('a second ingest on the same state folder refuses to start, naming the first', async () => {
    const first = await pipeline.startIngest('usgs-earthquakes?feed=all_day&intervalMs=1000');
    await first.waitForLine((line) => line.msg === 'announced raw file');
    const second = await pipeline.startIngest('usgs-earthquakes?feed=all_day&intervalMs=1000');
    expect(await second.waitForExit()).toBe(1);
    expect(second.lines.map((line) => line.msg).join('\n')).toMatch(/is in use by .*pid \d+/);
  });

  it('a full replay of the raw topic by a new consumer group adds and announces nothing', async () => {
    await pipeline.startNormalizer();
    await pipeline.startIngest('usgs-earthquakes?feed=all_day&intervalMs=200');
    await eventually(() => pipeline.curatedEarthquakes(), (c) => c.rows >= SIX_POLLS_EXPECTED.rows, 'the first pass is curated');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const before = (await pipeline.references('curated')).length;

    // A second normalizer deployment (new group) re-reads every reference from the beginning.
    const replayer = await pipeline.startNormalizer({ FLUXO_NORMALIZER_GROUP: `${pipeline.groupId}-replay` });
    const rawFiles = (await pipeline.references('raw')).length;
    await eventually(async () => committedRawFiles(replayer), (count) => count >= rawFiles, 'the replayer committed every raw file', 60_000);
    expect(await pipeline.curatedEarthquakes()).toEqual(SIX_POLLS_EXPECTED);
    // Every version was in the table already: the replay committed its progress, no rows, no files.
    expect(replayer.lines.filter(curatedLine).reduce((total, line) => total + Number(line['rows'] ?? 0), 0)).toBe(0);
    expect((await pipeline.references('curated')).length).toBe(before);
  });
});
