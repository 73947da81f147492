import { eventually, PipelineHarness, type AppProcess, type LogLine } from '@fluxo/e2e-harness';

const ALL_DAY_PATH = '/earthquakes/feed/v1.0/summary/all_day.geojson';
const EXPECTED = { rows: 217, versions: 217, events: 200 };
const announced = (line: LogLine) => line.msg === 'announced raw file';
const curatedLine = (line: LogLine) => line.msg === 'committed curated batch';
/** Raw files a normalizer has committed so far (each commit line counts its raw files). */
const committedRawFiles = (app: AppProcess) => app.lines.filter(curatedLine).reduce((total, line) => total + Number(line['rawFiles'] ?? 0), 0);

/** Waits until the n-th line matching `predicate` has been printed. */
const nth = (app: AppProcess, predicate: (line: LogLine) => boolean, n: number) =>
  eventually(async () => app.lines.filter(predicate).length, (count) => count >= n, `${app.name} printed ${n} matching lines`, 60_000);

describe('crash recovery: SIGKILL at several points, restart, still exactly once', () => {
  let pipeline: PipelineHarness;

  beforeEach(async () => {
    pipeline = await PipelineHarness.create('crash');
  });
  afterEach(() => pipeline.close());

  it('survives producer and normalizer crashes mid-stream', async () => {
    // Polls are spaced out so that a kill right after an announcement lands between two polls.
    const sources = 'usgs-earthquakes?feed=all_day&intervalMs=1500';
    let normalizer = await pipeline.startNormalizer();
    let ingest = await pipeline.startIngest(sources);

    await nth(ingest, announced, 1);
    await ingest.kill();
    await nth(normalizer, curatedLine, 1);
    await normalizer.kill();

    ingest = await pipeline.startIngest(sources);
    await nth(ingest, announced, 2);
    await ingest.kill();
    normalizer = await pipeline.startNormalizer();
    ingest = await pipeline.startIngest(sources);

    await eventually(
      async () => ({ served: pipeline.replay.state().endpoints.find((e) => e.path === ALL_DAY_PATH)?.served ?? 0, curated: await pipeline.curatedEarthquakes() }),
      ({ served, curated }) => served >= 6 && curated.rows >= EXPECTED.rows,
      'all polls are served and curated after the crashes',
    );
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(await pipeline.curatedEarthquakes()).toEqual(EXPECTED);
    const raw = await pipeline.references('raw');
    expect(raw.reduce((total, ref) => total + ref.rows, 0)).toBe(EXPECTED.versions);
    expect(await pipeline.deadLetters()).toEqual([]);
  });

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
    await eventually(() => pipeline.curatedEarthquakes(), (c) => c.rows >= EXPECTED.rows, 'the first pass is curated');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const before = (await pipeline.references('curated')).length;

    // A second normalizer deployment (new group) re-reads every reference from the beginning.
    const replayer = await pipeline.startNormalizer({ FLUXO_NORMALIZER_GROUP: `${pipeline.groupId}-replay` });
    const rawFiles = (await pipeline.references('raw')).length;
    await eventually(async () => committedRawFiles(replayer), (count) => count >= rawFiles, 'the replayer committed every raw file', 60_000);
    expect(await pipeline.curatedEarthquakes()).toEqual(EXPECTED);
    // Every version was in the table already: the replay committed its progress, no rows, no files.
    expect(replayer.lines.filter(curatedLine).reduce((total, line) => total + Number(line['rows'] ?? 0), 0)).toBe(0);
    expect((await pipeline.references('curated')).length).toBe(before);
  });
});
