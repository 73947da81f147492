import { BUILTIN_DEFINITIONS, compileMapping, createRecordExtractor, DefinitionCatalog, silentLogger } from '@fluxo/schema';
import { fingerprintOf, readRows, writeRawFile, type ParquetEngine } from '@fluxo/parquet-io';
import { createTempLake, openTestEngine, type TempLake } from '@fluxo/parquet-io/testing';
import { curateRawFile } from './curate-raw-file';
import { VersionLedger } from './version-ledger';

const catalog = DefinitionCatalog.build(BUILTIN_DEFINITIONS);
const source = catalog.pollSource('usgs-earthquakes');
const dataset = catalog.dataset('earthquakes');
const mapping = compileMapping(source, dataset);
const extract = createRecordExtractor(source);

function feature(id: string, updated: number, overrides: Record<string, unknown> = {}) {
  return {
    type: 'Feature',
    properties: { mag: 1.5, place: `near ${id}`, time: 1746366018110, updated, tsunami: 0, status: 'automatic', type: 'earthquake', sig: 34, net: 'ci', magType: 'ml' },
    geometry: { type: 'Point', coordinates: [-117.8075, 35.3405, 8.83] },
    id,
    ...overrides,
  };
}

describe('curateRawFile', () => {
  let lake: TempLake;
  let engine: ParquetEngine;
  let ledger: VersionLedger;

  beforeEach(async () => {
    lake = await createTempLake();
    engine = await openTestEngine();
    ledger = new VersionLedger(engine, lake.lake, silentLogger);
  });
  afterEach(async () => {
    await engine.close();
    await lake.cleanup();
  });

  async function rawFile(stem: string, features: unknown[], fetchedAt = new Date('2025-05-04T13:52:57Z')) {
    const { records } = extract({ features });
    const written = await writeRawFile(engine, lake.lake, {
      source: 'usgs-earthquakes',
      stem,
      fetchedAt,
      rows: records.map((r) => ({ key: r.key, version: r.version, eventTime: r.eventTime, record: r.record, context: r.context })),
    });
    await written.staged.commit();
    return written;
  }

  const curate = (raw: { path: string; uri: string }, offset = '7') =>
    curateRawFile(
      { engine, lake: lake.lake, ledger, logger: silentLogger },
      { rawPath: raw.path, dataset, mapping, lineage: { source: 'usgs-earthquakes', rawUri: raw.uri, topic: 'fluxo.raw-files', partition: 0, offset } },
    );

  it('maps, types and adds lineage to every row', async () => {
    const raw = await rawFile('poll-1', [feature('ci1', 1746366236183)]);
    const result = await curate(raw);
    expect(result.files).toHaveLength(1);
    const [file] = result.files;
    expect(file?.uri).toBe('curated/earthquakes/event_date=2025-05-04/usgs-earthquakes-poll-1.parquet');
    expect(file?.minEventTime).toBe('2025-05-04T13:40:18.110Z');
    expect(file?.schemaFingerprint).toBe(await fingerprintOf(engine, `${lake.lake.root}/${file?.uri ?? ''}`)); // declared = written
    const rows = await readRows(engine, `${lake.lake.root}/${file?.uri ?? ''}`);
    expect(rows).toEqual([
      expect.objectContaining({
        event_id: 'ci1',
        magnitude: 1.5,
        longitude: -117.8075,
        latitude: 35.3405,
        depth_km: 8.83,
        place: 'near ci1',
        tsunami: false,
        significance: 34,
        _source: 'usgs-earthquakes',
        _record_key: 'ci1',
        _record_version: '1746366236183',
        _raw_uri: raw.uri,
        _kafka_topic: 'fluxo.raw-files',
        _kafka_partition: 0,
        _kafka_offset: 7,
      }),
    ]);
    const [types] = await engine.all<{ t: string; u: string }>(
      `SELECT typeof(event_time) AS t, typeof(updated_at) AS u FROM read_parquet('${lake.lake.root}/${file?.uri ?? ''}')`,
    );
    expect(types).toEqual({ t: 'TIMESTAMP WITH TIME ZONE', u: 'TIMESTAMP WITH TIME ZONE' });
  });

  it('quarantines rows missing a required column, keeps drifted optional values as NULL', async () => {
    const raw = await rawFile('poll-2', [feature('ok', 1), feature('nogeo', 2, { geometry: null }), feature('drift', 3, { properties: { ...feature('x', 3).properties, mag: 'strong' } })]);
    const result = await curate(raw);
    expect(result.rejected).toEqual({ rows: 1, uri: expect.stringMatching(/^quarantine\/normalizer\/date=\d{4}-\d{2}-\d{2}\/usgs-earthquakes-poll-2\.parquet$/), missing: { 'longitude,latitude': 1 } });
    const rejected = await readRows(engine, `${lake.lake.root}/${result.rejected?.uri ?? ''}`);
    expect(rejected).toEqual([expect.objectContaining({ _missing_columns: 'longitude,latitude', event_id: 'nogeo' })]);
    const rows = await readRows(engine, `${lake.lake.root}/${result.files[0]?.uri ?? ''}`);
    expect(rows.map((r) => [r['event_id'], r['magnitude']])).toEqual([['ok', 1.5], ['drift', null]].sort());
  });

  it('writes one file per event date', async () => {
    const raw = await rawFile('poll-3', [feature('a', 1), feature('b', 1, { properties: { ...feature('b', 1).properties, time: Date.parse('2025-05-03T23:59:59Z') } })]);
    const result = await curate(raw);
    expect(result.files.map((f) => [f.eventDate, f.rows])).toEqual([['2025-05-03', 1], ['2025-05-04', 1]]);
  });

  it('keeps every (event, version) once across replays and overlapping files', async () => {
    const first = await rawFile('poll-a', [feature('e1', 1), feature('e2', 1), feature('e2', 1)]);
    const second = await rawFile('poll-b', [feature('e2', 1), feature('e2', 2), feature('e3', 1)]);
    const firstResult = await curate(first);
    const replay = await curate(first, '99');
    expect(replay.files.map((f) => f.uri)).toEqual(firstResult.files.map((f) => f.uri));
    const secondResult = await curate(second);
    expect(secondResult.alreadyCurated).toBe(1);

    const reload = new VersionLedger(engine, lake.lake, silentLogger); // a restarted normalizer
    await curateRawFile(
      { engine, lake: lake.lake, ledger: reload, logger: silentLogger },
      { rawPath: second.path, dataset, mapping, lineage: { source: 'usgs-earthquakes', rawUri: second.uri, topic: 't', partition: 0, offset: '8' } },
    );
    const versions = await engine.all<{ event_id: string; v: string; n: number }>(
      `SELECT event_id, CAST(epoch_ms(updated_at) AS VARCHAR) AS v, count(*)::INTEGER AS n FROM read_parquet('${lake.lake.root}/curated/earthquakes/*/*.parquet') GROUP BY ALL ORDER BY ALL`,
    );
    expect(versions).toEqual([
      { event_id: 'e1', v: '1', n: 1 },
      { event_id: 'e2', v: '1', n: 1 },
      { event_id: 'e2', v: '2', n: 1 },
      { event_id: 'e3', v: '1', n: 1 },
    ]);
  });
});
