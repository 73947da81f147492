import type { ReplayServer } from '@fluxo/replay-api';
import type { FileReference } from '@fluxo/schema';
import { eventually, type PipelineHarness } from '@fluxo/e2e-harness';

/**
 * The end-to-end tests' reference workload: the six recorded USGS `all_day` polls the replay server
 * serves in turn (fixtures with provenance), 1,161 rows that hold 217 distinct (id, updated)
 * versions of 200 events. Every pipeline variant must curate exactly these counts.
 */
export const SIX_POLLS_SOURCES = 'usgs-earthquakes?feed=all_day&intervalMs=300';

/** The curated table once the six polls are in: rows, distinct versions, distinct events. */
export const SIX_POLLS_EXPECTED = { rows: 217, versions: 217, events: 200 } as const;

const ALL_DAY_PATH = '/earthquakes/feed/v1.0/summary/all_day.geojson';

/** How many `all_day` responses the replay server has served (6 once every recording was polled). */
export function allDayServed(replay: ReplayServer): number {
  return replay.state().endpoints.find((endpoint) => endpoint.path === ALL_DAY_PATH)?.served ?? 0;
}

/**
 * Starts the normalizer (with `normalizerEnv`) and then ingest on the six polls; resolves once all six
 * were served and their rows curated, after a further 2 s for stragglers (the counts must then be
 * exact, not merely reach the target).
 */
export async function curateSixPolls(pipeline: PipelineHarness, normalizerEnv: Record<string, string> = {}, what = 'the six recorded polls are served and curated'): Promise<void> {
  const normalizer = await pipeline.startNormalizer(normalizerEnv);
  // Read the catalog only once the normalizer has created it: a read-only attach of a catalog still
  // being created fails, and was seen to leave the normalizer's first write waiting on SQLite.
  await normalizer.waitForLine((line) => line.msg === 'lakehouse catalog attached', 120_000);
  await pipeline.startIngest(SIX_POLLS_SOURCES);
  await eventually(
    async () => ({ served: allDayServed(pipeline.replay), curated: await pipeline.curatedEarthquakes() }),
    ({ served, curated }) => served >= 6 && curated.rows >= SIX_POLLS_EXPECTED.rows,
    what,
  );
  await new Promise((resolve) => setTimeout(resolve, 2000));
}

/**
 * The six polls' raw references on an S3 lake: as many rows as versions, each an `s3://` object in the
 * raw zone under `root` that verifies by size and SHA-256. Returns them.
 */
export async function expectRawObjectsOnS3(pipeline: PipelineHarness, root: string): Promise<FileReference[]> {
  const s3 = pipeline.s3;
  if (s3 === undefined) throw new Error('the harness has no S3 lake');
  const raw = await pipeline.references('raw');
  expect(raw.reduce((total, ref) => total + ref.rows, 0)).toBe(SIX_POLLS_EXPECTED.versions);
  for (const ref of raw) {
    expect(ref.uri.startsWith(`${root}/raw/usgs-earthquakes/date=`)).toBe(true);
    await expect(s3.lake.verifyFile(ref)).resolves.toMatchObject({ path: ref.uri });
  }
  return raw;
}
