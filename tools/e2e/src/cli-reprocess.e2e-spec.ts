import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WORKSPACE_ROOT, eventually, PipelineHarness } from '@fluxo/e2e-harness';
import { fluxo, fluxoJson } from './support/cli-process';

const BUILTIN = join(WORKSPACE_ROOT, 'libs', 'schema', 'definitions');

interface Observation {
  readonly rows: number;
  readonly versions: number;
  /** Rows whose place still has lower-case letters (the old mapping). */
  readonly lower: number;
}

interface Report {
  readonly diff: { unchanged: number; changed: number; added: number; removed: number; changedByColumn: Record<string, number> };
  readonly current: { rows: number; replaced: number; kept: number };
  readonly swap: { deleted: number; inserted: number } | null;
}

/**
 * `fluxo reprocess` while the pipeline runs: a dataset defined by configuration (a copy of the
 * built-in USGS source and dataset) is curated, its mapping changed (place in upper case), and the
 * dataset re-curated from the raw zone while the normalizer keeps running and a reader polls the
 * table: the reader sees the old rows or the new ones, never a mix, never a duplicate.
 */
describe('fluxo reprocess, end to end', () => {
  let pipeline: PipelineHarness;
  let definitions: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    pipeline = await PipelineHarness.create('cli-reprocess');
    definitions = join(pipeline.dir, 'definitions');
    await mkdir(join(definitions, 'sources'), { recursive: true });
    await mkdir(join(definitions, 'datasets'), { recursive: true });
    const dataset = JSON.parse(await readFile(join(BUILTIN, 'datasets', 'earthquakes.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(join(definitions, 'datasets', 'quakes.json'), JSON.stringify({ ...dataset, name: 'quakes' }));
    await writeSource((mapping) => mapping);
    env = pipeline.env({ FLUXO_DEFINITIONS_DIR: definitions, FLUXO_LOG_LEVEL: 'warn', FLUXO_REPROCESS_BATCH_FILES: '2' });
  });
  afterAll(() => pipeline.close());

  async function writeSource(change: (mapping: Record<string, unknown>[]) => Record<string, unknown>[]): Promise<void> {
    const source = JSON.parse(await readFile(join(BUILTIN, 'sources', 'usgs-earthquakes.json'), 'utf8')) as Record<string, unknown> & { mapping: Record<string, unknown>[] };
    await writeFile(join(definitions, 'sources', 'quakes-feed.json'), JSON.stringify({ ...source, name: 'quakes-feed', dataset: 'quakes', mapping: change(source.mapping) }));
  }

  const observe = async (): Promise<Observation> =>
    (
      await pipeline.curatedRows<Observation>(
        'quakes',
        'count(*)::INTEGER AS rows, count(DISTINCT (_record_key, _record_version))::INTEGER AS versions, count(*) FILTER (WHERE place IS DISTINCT FROM upper(place))::INTEGER AS lower',
      )
    )[0] ?? { rows: 0, versions: 0, lower: 0 };

  it('swaps the re-curated rows in atomically while the normalizer runs and a reader reads', async () => {
    const normalizer = await pipeline.startNormalizer({ FLUXO_DEFINITIONS_DIR: definitions });
    // The harness reads the catalog read-only: only once the normalizer has created it.
    await normalizer.waitForLine((line) => typeof line.msg === 'string' && line.msg.startsWith('normalizer running'));
    const ingest = await pipeline.startIngest('quakes-feed?feed=all_day&intervalMs=500', { FLUXO_DEFINITIONS_DIR: definitions });
    const before = await eventually(observe, (o) => o.versions === 217, 'the six recorded polls are curated');
    await ingest.stop();
    expect(before.lower).toBeGreaterThan(0);

    await writeSource((mapping) => mapping.map((entry) => (entry['column'] === 'place' ? { column: 'place', expr: "upper(json_extract_string(record, '$.properties.place'))" } : entry)));
    expect((await fluxo(['definitions', 'check', join(definitions, 'sources', 'quakes-feed.json')], env, 'cli-reprocess')).code).toBe(0);

    const dry = await fluxoJson<Report>(['reprocess', 'quakes', '--dry-run'], env, 'cli-reprocess');
    expect(dry.code).toBe(0);
    expect(dry.value.diff).toEqual({ unchanged: 217 - before.lower, changed: before.lower, added: 0, removed: 0, changedByColumn: { place: before.lower } });
    expect(dry.value.swap).toBeNull();
    expect(await observe()).toEqual(before);

    // A reader polls the table for as long as the reprocess runs, while the normalizer keeps
    // committing another source's data into the same catalog.
    const weather = await pipeline.startIngest('open-meteo-forecast?intervalMs=1000', { FLUXO_DEFINITIONS_DIR: definitions, FLUXO_STATE_DIR: join(pipeline.dir, 'weather-state') });
    await eventually(() => pipeline.curatedCount('weather_hourly'), (rows) => rows > 0, 'the normalizer commits weather rows');
    const seen: Observation[] = [];
    let reading = true;
    const reader = (async () => {
      while (reading) seen.push(await observe());
    })();
    const run = await fluxoJson<Report>(['reprocess', 'quakes'], env, 'cli-reprocess');
    reading = false;
    await reader;
    await weather.stop();
    expect(run.code).toBe(0);
    expect(run.value.swap).toMatchObject({ deleted: 217, inserted: 217 });
    expect(run.value.current).toEqual({ rows: 217, replaced: 217, kept: 0 });

    expect(seen.length).toBeGreaterThan(0);
    const mixed = seen.filter((o) => o.rows !== 217 || o.versions !== 217 || (o.lower !== before.lower && o.lower !== 0));
    expect(mixed).toEqual([]);
    expect(await observe()).toEqual({ rows: 217, versions: 217, lower: 0 });
    const lineage = await pipeline.curatedRows<{ n: number }>('quakes', 'count(*)::INTEGER AS n', 'WHERE _kafka_offset IS NULL OR _kafka_topic IS NULL');
    expect(lineage).toEqual([{ n: 0 }]); // the Kafka lineage is carried over

    const status = await fluxoJson<{ healthy: boolean; tables: { name: string; rows: number }[] }>(['status', '-q'], env, 'cli-reprocess');
    expect(status.value.tables.find((table) => table.name === 'quakes')?.rows).toBe(217);
    const query = await fluxo(['query', 'SELECT count(*) AS n FROM quakes_latest WHERE place = upper(place)', '--format', 'csv'], env, 'cli-reprocess');
    expect(query.stdout).toBe('n\r\n200\r\n');
  });

  it('definitions try on a response saved from the (replayed) API; compact and gc while the normalizer runs', async () => {
    const saved = join(pipeline.dir, 'saved-all_day.json');
    const response = await fetch(`${pipeline.replay.url}/earthquakes/feed/v1.0/summary/all_day.geojson`);
    expect(response.status).toBe(200);
    await writeFile(saved, Buffer.from(await response.arrayBuffer()));
    const tried = await fluxoJson<{ records: number; rows: Record<string, unknown>[]; rejectedRows: Record<string, number> }>(
      ['definitions', 'try', join(definitions, 'sources', 'quakes-feed.json'), '--response', saved],
      env,
      'cli-reprocess',
    );
    expect(tried.code).toBe(0);
    expect(tried.value.records).toBeGreaterThan(0);
    expect(tried.value.rows).toHaveLength(tried.value.records);
    expect(tried.value.rows.every((row) => row['place'] === null || row['place'] === String(row['place']).toUpperCase())).toBe(true);

    const rows = async () => (await pipeline.curatedRows<{ n: number }>('quakes', 'count(*)::INTEGER AS n'))[0]?.n;
    const dry = await fluxoJson<{ tables: { table: string; filesBefore: number; filesAfter: number | null }[] }>(['compact', '--dry-run'], env, 'cli-reprocess');
    expect(dry.value.tables.find((t) => t.table === 'quakes')).toMatchObject({ filesAfter: null });
    const compacted = await fluxoJson<{ tables: { table: string; filesBefore: number; filesAfter: number }[] }>(['compact'], env, 'cli-reprocess');
    const quakes = compacted.value.tables.find((t) => t.table === 'quakes');
    expect(quakes?.filesAfter).toBeLessThanOrEqual(quakes?.filesBefore ?? 0);
    const gcEnv = { ...env, FLUXO_FILE_DELETION_GRACE_MS: '0', FLUXO_SNAPSHOT_RETENTION_MS: '0' };
    const planned = await fluxoJson<{ garbage: { unreferencedFiles: string[] } }>(['gc', '--dry-run'], gcEnv, 'cli-reprocess');
    expect(planned.code).toBe(0);
    const collected = await fluxoJson<{ garbage: { expiredSnapshots: number } }>(['gc'], gcEnv, 'cli-reprocess');
    expect(collected.code).toBe(0);
    expect(collected.value.garbage.expiredSnapshots).toBeGreaterThan(0);
    expect(await rows()).toBe(217);
    expect(await observe()).toEqual({ rows: 217, versions: 217, lower: 0 });
  });
});
