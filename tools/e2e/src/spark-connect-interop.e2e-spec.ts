import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@fluxo/schema';
import { ParquetEngine, sqlString } from '@fluxo/parquet-io';
import { connectSparkSession, isoMicros, timestampMicros, type SparkSession } from '@fluxo/spark-connect';
import { testSparkRemote } from '@fluxo/spark-connect/testing';

/**
 * The round trip the Spark engine of issue 12 will make, pinned before it is built: Spark (through
 * Spark Connect, the run's real server, which shares this machine's file system) reads a raw-zone
 * Parquet file as fluxo writes it (the record's JSON as text, UTC µs timestamps, zstd), extracts
 * fields with Spark SQL, writes Parquet, and DuckDB reads Spark's files back with the same values
 * and types — UTC microsecond timestamps, not INT96.
 */
describe('Spark Connect writes Parquet that DuckDB reads exactly', () => {
  let dir: string;
  let duckdb: ParquetEngine;
  let spark: SparkSession;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fluxo-e2e-spark-'));
    duckdb = await ParquetEngine.open({ logger: silentLogger, threads: 1, memoryLimitMb: 256 });
    spark = await connectSparkSession({
      remote: testSparkRemote(),
      logger: silentLogger,
      config: { 'spark.sql.parquet.outputTimestampType': 'TIMESTAMP_MICROS', 'spark.sql.parquet.compression.codec': 'zstd' },
    });
    await mkdir(join(dir, 'raw'));
    await duckdb.run(`
      COPY (
        SELECT * FROM (VALUES
          ('us7000a', '{"id":"us7000a","properties":{"mag":4.5,"time":1709210096123,"place":"12 km N of Ollagüe"}}', TIMESTAMPTZ '2024-02-29 12:34:56.123456+00'),
          ('ak0241b', '{"id":"ak0241b","properties":{"mag":null,"time":-1,"place":null}}', TIMESTAMPTZ '1969-12-31 23:59:59.999999+00')
        ) AS t(record_key, record, fetched_at)
      ) TO ${sqlString(join(dir, 'raw', 'part-0.parquet'))} (FORMAT parquet, COMPRESSION zstd)`);
  });

  afterAll(async () => {
    await spark?.close();
    await duckdb?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('extracts JSON fields with Spark SQL, writes Parquet, and DuckDB reads the same rows and types', async () => {
    const raw = join(dir, 'raw');
    const out = join(dir, 'curated');
    const select = `
      SELECT record_key AS event_id,
             CAST(get_json_object(record, '$.properties.mag') AS DOUBLE) AS magnitude,
             get_json_object(record, '$.properties.place') AS place,
             timestamp_millis(CAST(get_json_object(record, '$.properties.time') AS BIGINT)) AS event_time,
             fetched_at
      FROM parquet.\`${raw}\``;
    // Spark reads fluxo's raw Parquet: UTC microseconds survive.
    const { table } = await spark.sql(`${select} ORDER BY event_id`);
    const fetched = table.getChild('fetched_at');
    expect(fetched && [isoMicros(timestampMicros(fetched, 0) ?? 0n), isoMicros(timestampMicros(fetched, 1) ?? 0n)]).toEqual([
      '1969-12-31T23:59:59.999999Z',
      '2024-02-29T12:34:56.123456Z',
    ]);

    await spark.sql(`INSERT OVERWRITE DIRECTORY ${sqlString(out)} USING parquet ${select}`);
    const rows = await duckdb.all<Record<string, unknown>>(`
      SELECT event_id, magnitude, place, strftime(event_time, '%Y-%m-%dT%H:%M:%S.%fZ') AS event_time, strftime(fetched_at, '%Y-%m-%dT%H:%M:%S.%fZ') AS fetched_at
      FROM read_parquet(${sqlString(join(out, '*.parquet'))}) ORDER BY event_id`);
    expect(rows).toEqual([
      { event_id: 'ak0241b', magnitude: null, place: null, event_time: '1969-12-31T23:59:59.999000Z', fetched_at: '1969-12-31T23:59:59.999999Z' },
      { event_id: 'us7000a', magnitude: 4.5, place: '12 km N of Ollagüe', event_time: '2024-02-29T12:34:56.123000Z', fetched_at: '2024-02-29T12:34:56.123456Z' },
    ]);
    const types = await duckdb.all<{ column_name: string; column_type: string }>(`DESCRIBE SELECT * FROM read_parquet(${sqlString(join(out, '*.parquet'))})`);
    expect(Object.fromEntries(types.map((column) => [column.column_name, column.column_type]))).toEqual({
      event_id: 'VARCHAR',
      magnitude: 'DOUBLE',
      place: 'VARCHAR',
      event_time: 'TIMESTAMP WITH TIME ZONE',
      fetched_at: 'TIMESTAMP WITH TIME ZONE',
    });
  });
});
