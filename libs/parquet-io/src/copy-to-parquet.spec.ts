import { readdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { copyQueryToParquet } from './copy-to-parquet';
import type { ParquetEngine } from './engine';
import { readParquetSchema } from './parquet-schema';
import { writeRawFile } from './raw-file-writer';
import { readRows } from './read-parquet';
import { sqlReadParquet, sqlString } from './sql';
import { someRawRows } from './testing/raw-rows';
import { createTempLake, openTestEngine, type TempLake } from './testing/temp-lake';

/** A curated projection of raw rows, as the normalizer would write it. */
const curatedSql = (rawPath: string) => `
  SELECT record_key AS id,
         CAST(record->>'$.properties.mag' AS DOUBLE) AS mag,
         event_time,
         event_time + INTERVAL 123 MICROSECONDS AS event_time_us,
         CAST(event_time AS DATE) AS event_date_value,
         CAST(record_version AS BIGINT) AS updated_ms
  FROM ${sqlReadParquet(rawPath)}
  ORDER BY id`;

describe('copyQueryToParquet', () => {
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

  it('writes a query result as a staged curated file, types and timestamps exact', async () => {
    const raw = await writeRawFile(engine, tmp.lake, { source: 'usgs', stem: 'p1', fetchedAt: new Date('2025-05-04T13:00:00Z'), rows: someRawRows(1000) });
    await raw.commit();

    const target = tmp.lake.curatedPath('earthquakes', '2025-05-04', 'part-0');
    const { staged, rows } = await copyQueryToParquet(engine, { sql: curatedSql(raw.path), finalPath: target.path });
    expect(rows).toBe(1000);
    expect((await readdir(dirname(target.path))).filter((n) => n.endsWith('.parquet'))).toEqual([]);
    await staged.commit();

    expect(await readParquetSchema(engine, target.path)).toEqual([
      { name: 'id', type: 'VARCHAR' },
      { name: 'mag', type: 'DOUBLE' },
      { name: 'event_time', type: 'TIMESTAMP WITH TIME ZONE' },
      { name: 'event_time_us', type: 'TIMESTAMP WITH TIME ZONE' },
      { name: 'event_date_value', type: 'DATE' },
      { name: 'updated_ms', type: 'BIGINT' },
    ]);
    const [first, second] = await readRows(engine, target.path, { limit: 2 });
    expect(first).toEqual({
      id: 'ci41000000',
      mag: 0,
      event_time: '2025-05-04T00:00:00.000Z',
      event_time_us: '2025-05-04T00:00:00.000123Z',
      event_date_value: '2025-05-04',
      updated_ms: 1746316800500,
    });
    expect(second).toMatchObject({ id: 'ci41000001', mag: 0.1, event_time: '2025-05-04T00:00:01.000Z' });
    await expect(tmp.lake.verify({ uri: target.uri, sha256: staged.sha256, bytes: staged.bytes })).resolves.toBe(target.path);
  });

  it('writes zstd, format version 1, timestamps as UTC-adjusted microseconds', async () => {
    const target = tmp.lake.curatedPath('checks', '2025-05-04', 'meta');
    const { staged } = await copyQueryToParquet(engine, {
      sql: `SELECT TIMESTAMPTZ '2025-05-04 13:00:00.123456+00' AS t, 'x' AS s`,
      finalPath: target.path,
    });
    await staged.commit();
    const columns = await engine.all<{ name: string; logical_type: string | null }>(
      `SELECT name, logical_type FROM parquet_schema(${sqlString(target.path)}) WHERE name = 't'`,
    );
    expect(columns[0]?.logical_type).toBe('TimestampType(isAdjustedToUTC=1, unit=TimeUnit(MILLIS=<null>, MICROS=MicroSeconds(), NANOS=<null>))');
    const codecs = await engine.all<{ compression: string }>(`SELECT DISTINCT compression FROM parquet_metadata(${sqlString(target.path)})`);
    expect(codecs).toEqual([{ compression: 'ZSTD' }]);
  });

  it('fails with QUERY_FAILED on bad SQL and leaves no temp file', async () => {
    const target = tmp.lake.curatedPath('earthquakes', '2025-05-04', 'broken');
    await expect(copyQueryToParquet(engine, { sql: 'SELECT nope FROM nowhere', finalPath: target.path })).rejects.toMatchObject({
      code: 'QUERY_FAILED',
    });
    expect(await readdir(dirname(target.path))).toEqual([]);
  });
});
