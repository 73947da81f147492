/**
 * Interop: files our writers produce, read by pyarrow in a real Python process. Needs a Python
 * with pyarrow: `FLUXO_PYTHON` (see PYARROW_SETUP_HINT); without it these tests fail, never skip.
 */
import { join } from 'node:path';
import { copyQueryToParquet } from './copy-to-parquet';
import type { ParquetEngine } from './engine';
import { writeRawFile } from './raw-file-writer';
import { sqlReadParquet } from './sql';
import { inspectWithPyarrow } from './testing/pyarrow';
import { aRawRow } from './testing/raw-rows';
import { createTempLake, openTestEngine, type TempLake } from './testing/temp-lake';

/** Python's isoformat of a UTC datetime → epoch ms, for exact comparison with JS Dates. */
const epochMs = (iso: unknown) => (typeof iso === 'string' ? Date.parse(iso) : iso);

describe('interop with pyarrow', () => {
  let engine: ParquetEngine;
  let tmp: TempLake;
  beforeAll(async () => {
    engine = await openTestEngine();
    tmp = await createTempLake();
  });
  afterAll(async () => {
    await engine.close();
    await tmp.cleanup();
  });

  it('reads a raw file: UTC microsecond timestamps, strings, V1 pages, zstd, exact values', async () => {
    const rows = [
      aRawRow({ key: 'a', eventTime: new Date('2025-05-04T13:40:18.110Z') }),
      aRawRow({ key: 'b', eventTime: null, context: null, record: '{"place":"Zürich ✓"}' }),
      aRawRow({ key: 'c', eventTime: new Date('1969-12-31T23:59:59.999Z') }),
    ];
    const fetchedAt = new Date('2025-05-04T13:52:57.123Z');
    const written = await writeRawFile(engine, tmp.lake, { source: 'usgs', stem: 'interop', fetchedAt, rows });
    await written.commit();

    const seen = await inspectWithPyarrow(written.path, 10);
    expect(seen.numRows).toBe(3);
    expect(seen.columns.map((c) => [c.name, c.type])).toEqual([
      ['record_key', 'string'],
      ['record_version', 'string'],
      ['event_time', 'timestamp[us, tz=UTC]'],
      ['fetched_at', 'timestamp[us, tz=UTC]'],
      ['record', 'string'],
      ['context', 'string'],
    ]);
    for (const column of seen.columns) {
      expect({ name: column.name, page: column.firstDataPage, codec: column.compression }).toEqual({
        name: column.name,
        page: 'DATA_PAGE',
        codec: 'ZSTD',
      });
    }
    expect(seen.rows.map((r) => [r['record_key'], epochMs(r['event_time']), epochMs(r['fetched_at']), r['record'], r['context']])).toEqual(
      rows.map((r) => [r.key, r.eventTime?.getTime() ?? null, fetchedAt.getTime(), r.record, r.context]),
    );
    expect(seen.rows[0]?.['event_time']).toBe('2025-05-04T13:40:18.110000+00:00');
  });

  it('reads a curated file from copyQueryToParquet, microseconds intact', async () => {
    const target = tmp.lake.curatedPath('earthquakes', '2025-05-04', 'interop');
    const { staged } = await copyQueryToParquet(engine, {
      finalPath: target.path,
      sql: `SELECT 'ci1' AS id, 1.48::DOUBLE AS mag, 34::INTEGER AS sig, 9007199254740993::BIGINT AS big,
                   DATE '2025-05-04' AS day, TIMESTAMPTZ '2025-05-04 13:40:18.110123+00' AS event_time`,
    });
    await staged.commit();

    const seen = await inspectWithPyarrow(target.path);
    expect(Object.fromEntries(seen.columns.map((c) => [c.name, c.type]))).toEqual({
      id: 'string',
      mag: 'double',
      sig: 'int32',
      big: 'int64',
      day: 'date32[day]',
      event_time: 'timestamp[us, tz=UTC]',
    });
    expect(seen.rows).toEqual([
      { id: 'ci1', mag: 1.48, sig: 34, big: '9007199254740993', day: '2025-05-04', event_time: '2025-05-04T13:40:18.110123+00:00' },
    ]);
    expect(seen.columns.every((c) => c.firstDataPage === 'DATA_PAGE' && c.compression === 'ZSTD')).toBe(true);
  });

  it('reads a raw file DuckDB itself re-reads with identical timestamps (the same file, both readers)', async () => {
    const written = await writeRawFile(engine, tmp.lake, {
      source: 'usgs',
      stem: 'both-readers',
      fetchedAt: new Date('2025-05-04T00:00:00.000Z'),
      rows: [aRawRow({ eventTime: new Date('2025-05-04T13:40:18.110Z') })],
    });
    await written.commit();
    const [duck] = await engine.all<{ micros: number }>(`SELECT epoch_us(event_time) AS micros FROM ${sqlReadParquet(written.path)}`);
    const [arrow] = (await inspectWithPyarrow(written.path)).rows;
    expect(duck?.micros).toBe(1746366018110000);
    expect(epochMs(arrow?.['event_time'])).toBe(1746366018110);
  });

  it.each([['raw-usgs'], ['curated-types']])('reads the %s golden file', async (name) => {
    const seen = await inspectWithPyarrow(join(__dirname, 'testing', 'golden', `${name}.parquet`));
    expect(seen.numRows).toBeGreaterThan(0);
    expect(seen.columns.filter((c) => c.type.startsWith('timestamp')).every((c) => c.type === 'timestamp[us, tz=UTC]')).toBe(true);
  });
});
