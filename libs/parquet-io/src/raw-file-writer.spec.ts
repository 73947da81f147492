import { mkdir, readdir, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { digestFile } from './atomic-file';
import type { ParquetEngine } from './engine';
import { fingerprintOf, readParquetSchema } from './parquet-schema';
import { RAW_SCHEMA, RAW_SCHEMA_FINGERPRINT, type RawRow } from './raw-schema';
import { writeRawFile } from './raw-file-writer';
import { readRows } from './read-parquet';
import { sqlReadParquet } from './sql';
import { aRawRow, someRawRows } from './testing/raw-rows';
import { createTempLake, openTestEngine, type TempLake } from './testing/temp-lake';

const fetchedAt = new Date('2025-05-04T13:52:57.000Z');

describe('writeRawFile', () => {
  let engine: ParquetEngine;
  let tmp: TempLake;
  beforeAll(async () => {
    engine = await openTestEngine();
  });
  afterAll(async () => {
    await engine.close();
  });
  beforeEach(async () => {
    tmp = await createTempLake();
  });
  afterEach(async () => {
    await tmp.cleanup();
  });

  const write = (rows: readonly RawRow[], stem = 'poll-0001') =>
    writeRawFile(engine, tmp.lake, { source: 'usgs-earthquakes', stem, fetchedAt, rows });

  it('round-trips every raw column, nulls and awkward text included', async () => {
    const rows: RawRow[] = [
      aRawRow(),
      aRawRow({ key: 'k2', eventTime: null, context: null }),
      aRawRow({ key: "quote'\"back\\slash", record: '{"place":"Zürich – ✓ 🌋","nested":{"a":[1,2]}}', context: '{}' }),
      aRawRow({ key: 'k4', eventTime: new Date('1969-07-20T20:17:40.001Z'), record: 'not json at all, kept verbatim\n\ttabs' }),
      aRawRow({ key: 'k5', record: 'x'.repeat(200_000) }),
    ];
    const written = await write(rows);
    await written.commit();

    const back = await readRows(engine, written.path);
    expect(back).toEqual(
      rows.map((row) => ({
        record_key: row.key,
        record_version: row.version,
        event_time: row.eventTime?.toISOString() ?? null,
        fetched_at: '2025-05-04T13:52:57.000Z',
        record: row.record,
        context: row.context,
      })),
    );
    expect(await readParquetSchema(engine, written.path)).toEqual(RAW_SCHEMA.map(({ name, type }) => ({ name, type })));
  });

  it('describes the file for its FileReference', async () => {
    const rows = [
      aRawRow({ key: 'a', eventTime: new Date('2025-05-04T10:00:00.000Z') }),
      aRawRow({ key: 'b', eventTime: null }),
      aRawRow({ key: 'c', eventTime: new Date('2025-05-03T23:59:59.999Z') }),
    ];
    const written = await write(rows);
    expect(written).toMatchObject({
      uri: 'raw/usgs-earthquakes/date=2025-05-04/poll-0001.parquet',
      rows: 3,
      minEventTime: '2025-05-03T23:59:59.999Z',
      maxEventTime: '2025-05-04T10:00:00.000Z',
      schemaFingerprint: RAW_SCHEMA_FINGERPRINT,
      ...(await digestFile(written.tmpPath)), // the bytes on disk are the ones described
    });
    expect(written.sha256).toMatch(/^[0-9a-f]{64}$/);
    await written.commit();
    expect(await fingerprintOf(engine, written.path)).toBe(RAW_SCHEMA_FINGERPRINT);
    await expect(tmp.lake.verify(written)).resolves.toBe(written.path);
  });

  it('is invisible until commit and leaves nothing behind on discard', async () => {
    const written = await write([aRawRow()]);
    const dir = dirname(written.path);
    expect((await readdir(dir)).filter((name) => name.endsWith('.parquet'))).toEqual([]);
    await written.discard();
    expect(await readdir(dir)).toEqual([]);
    // and no scratch tables stay in the engine
    await expect(engine.all(`SELECT table_name FROM duckdb_tables()`)).resolves.toEqual([]);
  });

  it('writes an empty batch as a valid file with the raw schema and null event-time range', async () => {
    const written = await write([]);
    await written.commit();
    expect(written).toMatchObject({ rows: 0, minEventTime: null, maxEventTime: null });
    expect(await fingerprintOf(engine, written.path)).toBe(RAW_SCHEMA_FINGERPRINT);
  });

  it('handles 100k rows across many data chunks, in order', async () => {
    const rows = someRawRows(100_000);
    const written = await write(rows);
    await written.commit();
    expect(written.rows).toBe(100_000);
    const [check] = await engine.all<{ n: number; first: string; last: string; ordered: boolean }>(
      `SELECT count(*) AS n, first(record_key) AS first, last(record_key) AS last,
              bool_and(event_time > lag_time OR lag_time IS NULL) AS ordered
       FROM (SELECT *, lag(event_time) OVER () AS lag_time FROM ${sqlReadParquet(written.path)})`,
    );
    expect(check).toEqual({ n: 100_000, first: rows[0]?.key, last: rows[99_999]?.key, ordered: true });
  });

  it.each([
    ['empty key', { key: '' }],
    ['empty version', { version: '' }],
    ['invalid eventTime', { eventTime: new Date(Number.NaN) }],
    ['eventTime not a Date', { eventTime: '2025-05-04' as unknown as Date }],
    ['record not a string', { record: { a: 1 } as unknown as string }],
    ['context not a string', { context: 42 as unknown as string }],
  ])('refuses a row with %s before writing anything', async (_name, override) => {
    await expect(write([aRawRow(), aRawRow(override)])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', context: { row: 1 } });
    await expect(readdir(tmp.lake.root)).resolves.toEqual([]);
  });

  it('refuses to write through a symlinked directory that leads outside the lake', async () => {
    const outside = join(tmp.dir, 'outside');
    await mkdir(outside);
    await mkdir(join(tmp.lake.root, 'raw'));
    await symlink(outside, join(tmp.lake.root, 'raw', 'usgs-earthquakes'));
    await expect(write([aRawRow()])).rejects.toMatchObject({ code: 'URI_OUTSIDE_LAKE' });
    expect(await readdir(outside)).toEqual([]);
  });

  it('refuses invalid names before writing', async () => {
    await expect(writeRawFile(engine, tmp.lake, { source: 'USGS', stem: 'x', fetchedAt, rows: [] })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });

  it('serializes concurrent writes on one engine', async () => {
    const results = await Promise.all([write(someRawRows(3000), 'a'), write(someRawRows(5000), 'b'), write(someRawRows(10), 'c')]);
    expect(results.map((r) => r.rows)).toEqual([3000, 5000, 10]);
    await Promise.all(results.map((r) => r.commit()));
  });
});
