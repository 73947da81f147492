import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeLag } from '@fluxo/kafka-client';
import { silentLogger } from '@fluxo/schema';
import { startReplayServer, type ReplayServer } from '@fluxo/replay-api';
import { eventually, PipelineHarness, WORKSPACE_ROOT, type AppProcess, type LogLine } from '@fluxo/e2e-harness';
import { createTestDatabase, type TestDatabase } from './support/postgres-database';
import { SIX_POLLS_EXPECTED, allDayServed } from './support/six-polls';

/**
 * Issue 12 part 5: three normalizers in one consumer group on six partitions, committing through
 * one PostgreSQL catalog, two of them SIGKILLed (and replaced) while references flow. References
 * are keyed by dataset, so the load is six copies of the USGS source — datasets chosen so that
 * kafkajs's partitioner puts one on each partition — each fed the six recorded `all_day` polls by
 * its own replay server: every dataset must end with exactly 217 versions of 200 events.
 */
const DATASETS = ['quakes_14', 'quakes_2', 'quakes_3', 'quakes_4', 'quakes_9', 'quakes_1'];
const committedLine = (line: LogLine) => line.msg === 'committed curated batch';

/** A source and a dataset definition per dataset, copied from the built-in USGS ones under new names. */
async function writeDefinitions(dir: string): Promise<void> {
  const definitions = join(WORKSPACE_ROOT, 'libs', 'schema', 'definitions');
  const source = JSON.parse(await readFile(join(definitions, 'sources', 'usgs-earthquakes.json'), 'utf8')) as Record<string, unknown>;
  const dataset = JSON.parse(await readFile(join(definitions, 'datasets', 'earthquakes.json'), 'utf8')) as Record<string, unknown>;
  await mkdir(join(dir, 'sources'), { recursive: true });
  await mkdir(join(dir, 'datasets'), { recursive: true });
  for (const name of DATASETS) {
    await writeFile(join(dir, 'sources', `${sourceOf(name)}.json`), JSON.stringify({ ...source, name: sourceOf(name), dataset: name }));
    await writeFile(join(dir, 'datasets', `${name}.json`), JSON.stringify({ ...dataset, name }));
  }
}

function sourceOf(dataset: string): string {
  return dataset.replace('_', '-');
}

describe('issue 12: three normalizers in one group on six partitions, PostgreSQL catalog, SIGKILLs while references flow', () => {
  let database: TestDatabase;
  let pipeline: PipelineHarness;
  const replays: ReplayServer[] = [];
  const normalizers: AppProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    pipeline = await PipelineHarness.create('n-normalizers', { partitions: 6, catalog: database.catalog });
    replays.push(pipeline.replay);
    for (let i = 1; i < DATASETS.length; i += 1) replays.push(await startReplayServer({ port: 0, advance: 'per-request', logger: silentLogger }));
  });
  afterAll(async () => {
    await pipeline.close();
    for (const replay of replays.slice(1)) await replay.close();
    await database.drop();
  });

  it('curates every version exactly once: nothing lost, nothing duplicated, no dead letter', async () => {
    const definitionsDir = join(pipeline.dir, 'definitions');
    await writeDefinitions(definitionsDir);
    const extra = { FLUXO_DEFINITIONS_DIR: definitionsDir };
    const startNormalizer = async (): Promise<AppProcess> => {
      // One raw file per commit: many commit points for the kills and rebalances to land between or in.
      const normalizer = await pipeline.startNormalizer({ ...extra, FLUXO_COMMIT_MAX_FILES: '1' });
      normalizers.push(normalizer);
      return normalizer;
    };
    const running = (app: AppProcess) => app.waitForLine((line) => typeof line.msg === 'string' && line.msg.startsWith('normalizer running'), 180_000);
    // The first one creates the catalog's tables; the other two attach to it.
    await running(await startNormalizer());
    await Promise.all([startNormalizer(), startNormalizer()].map(async (started) => running(await started)));

    // A poll every 5 s: each source's six polls take ~30 s, so references still arrive after a killed
    // member's partitions come back (the group waits up to the 30 s session timeout for it).
    await Promise.all(
      DATASETS.map((name, i) =>
        pipeline.startIngest(`${sourceOf(name)}?feed=all_day&intervalMs=5000`, { ...extra, FLUXO_SOURCE_BASE_URL: replays[i]?.url ?? '', FLUXO_STATE_DIR: join(pipeline.dir, `state-${name}`) }),
      ),
    );

    // Kill the first member that commits, replace it; then kill a member that committed after that.
    const firstKilled = await Promise.any(normalizers.slice(0, 3).map((app) => app.waitForLine(committedLine, 180_000).then(() => app)));
    await firstKilled.kill();
    await startNormalizer();
    const survivors = normalizers.filter((app) => app !== firstKilled);
    const commitsSoFar = new Map(survivors.map((app) => [app, app.count('committed curated batch')]));
    const secondKilled = await eventually(
      async () => survivors.find((app) => app.count('committed curated batch') > (commitsSoFar.get(app) ?? 0)),
      (app) => app !== undefined,
      'a surviving member commits again',
      180_000,
    );
    await secondKilled?.kill();
    await startNormalizer();

    await eventually(
      async () => ({
        served: replays.map(allDayServed),
        lag: (await describeLag(pipeline.kafka, { groupId: pipeline.groupId, topic: pipeline.topics.raw })).partitions.map((p) => (p.committedOffset === null ? -1 : p.lag)),
      }),
      ({ served, lag }) => served.every((n) => n >= 6) && lag.length === 6 && lag.every((n) => n === 0),
      'every poll is served and the group has committed every raw reference on all six partitions',
      300_000,
    );

    const raw = await pipeline.references('raw');
    expect(new Set(raw.map((ref) => ref.dataset)).size).toBe(DATASETS.length);
    const lag = await describeLag(pipeline.kafka, { groupId: pipeline.groupId, topic: pipeline.topics.raw });
    expect(lag.partitions.filter((p) => BigInt(p.endOffset) > 0n)).toHaveLength(6); // every partition carried references
    for (const name of DATASETS) expect({ name, ...(await pipeline.curatedEarthquakes(name)) }).toEqual({ name, ...SIX_POLLS_EXPECTED });
    expect(await pipeline.deadLetters()).toEqual([]);
    // The work was shared: more than one member committed, and the killed ones did before dying.
    const committers = normalizers.filter((app) => app.count('committed curated batch') > 0);
    expect(committers.length).toBeGreaterThanOrEqual(2);
    expect(firstKilled.count('committed curated batch')).toBeGreaterThan(0);
  }, 900_000);
});
