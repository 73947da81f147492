import { LINEAGE_SQL_TYPES } from '@fluxo/schema';
import type { TableSpec } from '@fluxo/lakehouse';
import { createTestLake, type TestLake } from '../testing/lake-fixtures';
import { datasetList, datasetView } from './dataset';
import { rowsPerDay } from './rows-per-day';
import { parseEarthquakeFilter, parseViewRequest } from './view-request';
import { weatherView } from './weather';
import { wikipediaView } from './wikipedia';

/** Lineage with the given record identity (the normalizer keeps each (key, version) once). */
const LINEAGE = (key: string, version: string) =>
  `'src' AS _source, ${key} AS _record_key, ${version} AS _record_version, 'raw/src/date=2025-05-04/a.parquet' AS _raw_uri, 't' AS _kafka_topic, 0::BIGINT AS _kafka_partition, 1::BIGINT AS _kafka_offset`;

/** A table no definition describes (created by another writer of the catalog). */
const AIR_QUALITY: TableSpec = {
  name: 'air_quality',
  columns: [{ name: 'station', sqlType: 'VARCHAR' }, { name: 'measured_at', sqlType: 'TIMESTAMPTZ' }, { name: 'pm25', sqlType: 'DOUBLE' }, ...LINEAGE_SQL_TYPES],
  eventTimeColumn: 'measured_at',
  identity: { key: '_record_key', version: '_record_version' },
  latest: { entityKey: ['station', 'measured_at'], versionColumn: '_fetched_at' },
};

describe('weather, wikipedia and generic dataset views over real DuckLake tables', () => {
  let t: TestLake;
  beforeEach(async () => {
    t = await createTestLake();
  });
  afterEach(() => t[Symbol.asyncDispose]());

  it('weather: the latest revision of each hour wins', async () => {
    await t.commit(
      'weather_hourly',
      `SELECT -23.3::DOUBLE AS latitude, -45.9::DOUBLE AS longitude, 600::DOUBLE AS elevation_m, valid_time, temperature_c::DOUBLE AS temperature_c,
              ${LINEAGE(`'-23.3,-45.9,' || valid_time`, 'fetched::VARCHAR')}, fetched AS _fetched_at
       FROM (VALUES (TIMESTAMPTZ '2025-05-04 10:00:00+00', 18.0, TIMESTAMPTZ '2025-05-03 00:00:00+00'),
                    (TIMESTAMPTZ '2025-05-04 10:00:00+00', 19.5, TIMESTAMPTZ '2025-05-04 00:00:00+00'),
                    (TIMESTAMPTZ '2025-05-04 11:00:00+00', 21.0, TIMESTAMPTZ '2025-05-04 00:00:00+00')) AS v(valid_time, temperature_c, fetched)`,
    );
    const view = await weatherView(t.lake);
    expect(view.summary).toMatchObject({ ok: true, data: { locations: 1, hours: 2, revisions: 3, minTemperatureC: 18, maxTemperatureC: 21 } });
    expect(view.temperature.ok && view.temperature.data.points).toEqual([
      { at: '2025-05-04T10:00:00.000Z', values: { '-23.300,-45.900': 19.5 } },
      { at: '2025-05-04T11:00:00.000Z', values: { '-23.300,-45.900': 21 } },
    ]);
  });

  it('wikipedia: "no data yet" while the recentchange table is absent, charts once it has rows; a re-delivered event counts once', async () => {
    const absent = await wikipediaView(t.lake);
    expect(absent.summary).toMatchObject({ ok: false, problem: { kind: 'no-data', message: expect.stringContaining('No Wikipedia edits yet') } });
    await t.commit(
      'recentchange',
      `SELECT event_id, event_time, wiki, title, "user", bot, 'edit' AS change_type, size_delta::BIGINT AS size_delta, ${LINEAGE('event_id', 'delivery')}, event_time AS _fetched_at
       FROM (VALUES ('e1', TIMESTAMPTZ '2023-07-29 10:00:05+00', 'enwiki', 'Kafka', 'A', false, 10, '1'),
                    ('e2', TIMESTAMPTZ '2023-07-29 10:00:40+00', 'enwiki', 'Kafka', 'Bot', true, -3, '1'),
                    ('e3', TIMESTAMPTZ '2023-07-29 10:01:10+00', 'dewiki', 'Parquet', 'B', false, 5, '1'),
                    ('e3', TIMESTAMPTZ '2023-07-29 10:01:10+00', 'dewiki', 'Parquet', 'B', false, 5, '2')) AS v(event_id, event_time, wiki, title, "user", bot, size_delta, delivery)`,
    );
    const view = await wikipediaView(t.lake);
    expect(view.summary).toMatchObject({ ok: true, data: { edits: 3, wikis: 2 } });
    expect(view.botsVsHumans.ok && view.botsVsHumans.data).toEqual([
      { at: '2023-07-29T10:00:00.000Z', bots: 1, humans: 1 },
      { at: '2023-07-29T10:01:00.000Z', bots: 0, humans: 1 },
    ]);
    expect(view.topPages.ok && view.topPages.data[0]).toEqual({ wiki: 'enwiki', title: 'Kafka', edits: 2, sizeDelta: 7 });
  });

  it('a table only present in the catalog gets a generic view from its columns', async () => {
    await t.commit(
      'air_quality',
      `SELECT station, measured_at, pm25::DOUBLE AS pm25, ${LINEAGE(`station || measured_at::VARCHAR`, `'1'`)}, measured_at AS _fetched_at
       FROM (VALUES ('s1', TIMESTAMPTZ '2025-05-04 10:00:00+00', 10), ('s1', TIMESTAMPTZ '2025-05-04 11:00:00+00', NULL), ('s2', TIMESTAMPTZ '2025-05-04 11:00:00+00', 30)) AS v(station, measured_at, pm25)`,
      AIR_QUALITY,
    );
    const listed = (await datasetList(t.lake)).map((dataset) => [dataset.name, dataset.defined, dataset.files]);
    expect(listed[0]).toEqual(['air_quality', false, 1]);
    expect(listed).toEqual(expect.arrayContaining([['earthquakes', true, 0], ['weather_hourly', true, 0]]));
    const view = await datasetView(t.lake, 'air_quality');
    expect(view.info).toMatchObject({ ok: true, data: { rows: 3, files: 1, timeColumn: 'measured_at' } });
    expect(view.numeric).toEqual({ ok: true, warnings: [], data: [{ column: 'pm25', min: 10, max: 30, mean: 20, count: 2, nulls: 1 }] });
    expect(view.rowsOverTime.ok && view.rowsOverTime.data.points.map((point) => point.rows)).toEqual([1, 2]);
    expect(view.latestRows.ok && view.latestRows.data.columns).toEqual(['station', 'measured_at', 'pm25', '_source', '_fetched_at']);
  });

  it('rows per day over a long span come from the catalog\'s file statistics and match a scan, also after a delete', async () => {
    const rows = `SELECT 's' || (range % 3) AS station, TIMESTAMPTZ '2025-05-01 00:00:00+00' + INTERVAL (range * 7) HOUR AS measured_at, (range % 11)::DOUBLE AS pm25,
                         ${LINEAGE(`'r' || range`, `'1'`)}, TIMESTAMPTZ '2025-06-01 00:00:00+00' AS _fetched_at FROM range(40)`;
    await t.commit('air_quality', `${rows} WHERE range < 25`, AIR_QUALITY);
    await t.commit('air_quality', `${rows} WHERE range >= 25`, AIR_QUALITY);
    const scan = async () =>
      t.engine.all<{ at: string; rows: number }>(
        `SELECT to_timestamp(floor(epoch_ms(measured_at) / 86400000) * 86400000 / 1000) AS at, count(*)::INTEGER AS rows FROM fluxo.main.air_quality GROUP BY 1 ORDER BY 1`,
      );
    const view = await datasetView(t.lake, 'air_quality');
    expect(view.rowsOverTime.ok && view.rowsOverTime.data.bucketMs).toBe(86_400_000);
    expect(view.rowsOverTime.ok && view.rowsOverTime.data.points).toEqual(await scan());
    expect(view.rowsOverTime.ok && view.rowsOverTime.data.points.reduce((sum, point) => sum + point.rows, 0)).toBe(40);
    expect(view.latestRows.ok && view.latestRows.data.rows.map((row) => row['measured_at'])[0]).toBe('2025-05-12T09:00:00.000Z');
    const fromCatalog = async () => {
      const table = await t.lake.dataset('air_quality');
      return table.lakehouse === null || table.table === null ? 'no table' : rowsPerDay(t.lake, table.lakehouse, table.table, 'measured_at');
    };
    expect(await fromCatalog()).toBeInstanceOf(Map); // the statistics answered, no scan

    await t.writer.lakehouse.commit('delete', (tx) => tx.run(`DELETE FROM ${t.writer.lakehouse.table('air_quality')} WHERE station = 's0'`));
    const after = await datasetView(t.lake, 'air_quality');
    expect(after.info).toMatchObject({ ok: true, data: { rows: 26 } });
    expect(after.rowsOverTime.ok && after.rowsOverTime.data.points).toEqual(await scan());
    expect(await fromCatalog()).toBeNull(); // deleted rows: the counts come from a scan
  });

  it('an unknown dataset says so', async () => {
    const view = await datasetView(t.lake, 'nothing_here');
    expect(view.info).toMatchObject({ ok: false, problem: { kind: 'no-data', message: expect.stringContaining('Unknown dataset') } });
  });
});

describe('view requests from query strings', () => {
  it('parses filters and falls back to defaults', () => {
    expect(parseEarthquakeFilter({ window: '6h', minMagnitude: '3' })).toEqual({ window: '6h', minMagnitude: 3 });
    expect(parseEarthquakeFilter({ window: 'forever', minMagnitude: '2.7' })).toEqual({ window: '24h', minMagnitude: -10 });
    expect(parseViewRequest({ view: 'dataset', dataset: 'weather_hourly' })).toEqual({ view: 'dataset', dataset: 'weather_hourly' });
    expect(parseViewRequest({ view: 'dataset', dataset: '../etc' })).toBeUndefined();
    expect(parseViewRequest({ view: 'nope' })).toBeUndefined();
    expect(parseViewRequest({})).toEqual({ view: 'overview' });
  });
});
