/**
 * Interop: files our writers produce, read by Spark (PySpark, local mode) in a real JVM, compared
 * row for row with DuckDB's read of the same files. One Spark session for the whole file; an
 * integration spec (`nx run parquet-io:integration`) because a JVM start alone takes 6–15 s. Needs
 * `FLUXO_PYTHON` with pyspark and Java 17+ (`node tools/scripts/ensure-python.mjs`); without them
 * these tests fail with that instruction, never skip.
 */
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { copyQueryToParquet } from './copy-to-parquet';
import type { ParquetEngine } from './engine';
import { writeRawFile } from './raw-file-writer';
import { sqlFilePath } from './sql';
import { readWithDuckDBAsSpark } from './testing/duckdb-as-spark';
import { aRawRow } from './testing/raw-rows';
import { readWithSpark, SparkInteropError, SparkReader } from './testing/spark';
import { createTempLake, openTestEngine, type TempLake } from './testing/temp-lake';

/** Failure deadlines on a loaded machine, not expected durations (start: ~6 s idle, 12 s+ loaded). */
const SPARK_START_DEADLINE_MS = 300_000;
/** Below the integration config's testTimeout, so a stuck read fails with Spark's stderr, not jest's timeout. */
const SPARK_READ_DEADLINE_MS = 110_000;

const duckRead = (files: readonly string[], tail = '') =>
  `SELECT * FROM read_parquet([${files.map(sqlFilePath).join(', ')}], union_by_name = true, hive_partitioning = false) ${tail}`;

describe('interop with Spark', () => {
  let engine: ParquetEngine;
  let tmp: TempLake;
  let spark: SparkReader;
  beforeAll(async () => {
    engine = await openTestEngine();
    tmp = await createTempLake();
    spark = await SparkReader.open({ startTimeoutMs: SPARK_START_DEADLINE_MS, readTimeoutMs: SPARK_READ_DEADLINE_MS });
  }, SPARK_START_DEADLINE_MS + 10_000);
  afterAll(async () => {
    await spark?.close();
    await engine?.close();
    await tmp?.cleanup();
  }, 90_000);

  async function copy(name: string, sql: string): Promise<string> {
    const target = tmp.lake.curatedPath('interop', '2025-05-04', name);
    const { staged } = await copyQueryToParquet(engine, { finalPath: target.path, sql });
    await staged.commit();
    return target.path;
  }

  it('reads a raw file row for row as DuckDB does: UTC microsecond timestamps, non-ASCII, NULLs', async () => {
    const written = await writeRawFile(engine, tmp.lake, {
      source: 'usgs',
      stem: 'spark',
      fetchedAt: new Date('2025-05-04T13:52:57.123Z'),
      rows: [
        aRawRow({ key: 'a', eventTime: new Date('2025-05-04T13:40:18.110Z') }),
        aRawRow({ key: 'b', eventTime: null, context: null, record: '{"place":"Zürich ✓ 東京 🌋"}' }),
        aRawRow({ key: 'c', eventTime: new Date('1969-12-31T23:59:59.999Z') }),
      ],
    });
    await written.commit();

    const seen = await spark.read([written.path], { queries: { ordered: 'SELECT * FROM t ORDER BY record_key' } });
    const duck = await readWithDuckDBAsSpark(engine, duckRead([written.path], 'ORDER BY record_key'));
    expect(seen.queries.ordered).toEqual(duck);
    expect(seen.schema).toEqual([
      { name: 'record_key', type: 'string' },
      { name: 'record_version', type: 'string' },
      { name: 'event_time', type: 'timestamp' },
      { name: 'fetched_at', type: 'timestamp' },
      { name: 'record', type: 'string' },
      { name: 'context', type: 'string' },
    ]);
    expect(seen.queries.ordered.rows.map((r) => [r['event_time'], r['fetched_at'], r['context'] === null])).toEqual([
      ['2025-05-04T13:40:18.110000Z', '2025-05-04T13:52:57.123000Z', false],
      [null, '2025-05-04T13:52:57.123000Z', true],
      ['1969-12-31T23:59:59.999000Z', '2025-05-04T13:52:57.123000Z', false],
    ]);
    expect(seen.queries.ordered.rows[1]?.['record']).toBe('{"place":"Zürich ✓ 東京 🌋"}');
  });

  it('reads every curated column type exactly, with named queries in the same session', async () => {
    const path = await copy(
      'spark-types',
      `SELECT * FROM (VALUES
         (1, 'Zürich ✓ 東京 🌋', 1.48::DOUBLE, 9007199254740993::BIGINT, true, 34::INTEGER, DATE '2025-05-04',
          TIMESTAMPTZ '2025-05-04 13:40:18.110123+00', 12345678901.234::DECIMAL(18,3)),
         (2, '', 0.30000000000000004::DOUBLE, (-9223372036854775807 - 1)::BIGINT, false, -1::INTEGER, DATE '1969-12-31',
          TIMESTAMPTZ '1969-12-31 23:59:59.999999+00', -0.001::DECIMAL(18,3)),
         (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
         (4, 'e', 1.7976931348623157e308::DOUBLE, 42::BIGINT, true, 0::INTEGER, DATE '2262-04-12',
          TIMESTAMPTZ '2262-04-11 23:47:16.854775+00', 0::DECIMAL(18,3))
       ) AS v(id, name, mag, big, flag, sig, day, event_time, amount)`,
    );
    const seen = await spark.read([path], {
      queries: {
        all: 'SELECT * FROM t ORDER BY id',
        sums: 'SELECT count(*) AS n, count(name) AS names, CAST(sum(amount) AS STRING) AS amount FROM t',
        utc: "SELECT id, hour(event_time) AS h, date_format(event_time, 'yyyy-MM-dd HH:mm:ss.SSSSSS') AS local FROM t WHERE id = 1",
      },
    });
    const duck = await readWithDuckDBAsSpark(engine, duckRead([path], 'ORDER BY id'));
    expect(seen.queries.all).toEqual(duck);
    expect(Object.fromEntries(seen.schema.map((c) => [c.name, c.type]))).toEqual({
      id: 'int',
      name: 'string',
      mag: 'double',
      big: 'bigint',
      flag: 'boolean',
      sig: 'int',
      day: 'date',
      event_time: 'timestamp',
      amount: 'decimal(18,3)',
    });
    expect(seen.queries.all.rows[0]).toEqual({
      id: 1,
      name: 'Zürich ✓ 東京 🌋',
      mag: 1.48,
      big: '9007199254740993',
      flag: true,
      sig: 34,
      day: '2025-05-04',
      event_time: '2025-05-04T13:40:18.110123Z',
      amount: '12345678901.234',
    });
    expect(seen.queries.all.rows[1]?.['big']).toBe('-9223372036854775808');
    expect(seen.queries.sums.rows).toEqual([{ n: 4, names: 3, amount: '12345678901.233' }]);
    expect(seen.queries.utc.rows).toEqual([{ id: 1, h: 13, local: '2025-05-04 13:40:18.110123' }]);
  });

  it('merges the schemas of two files of one table: a column the older file lacks reads as NULL', async () => {
    const v1 = await copy(
      'spark-evolve-1',
      `SELECT * FROM (VALUES ('ci1', TIMESTAMPTZ '2025-05-04 00:00:01.000001+00', 1.5::DOUBLE), ('ci2', TIMESTAMPTZ '2025-05-04 00:00:02+00', NULL))
         AS v(event_id, event_time, mag)`,
    );
    const v2 = await copy(
      'spark-evolve-2',
      `SELECT * FROM (VALUES ('ci3', TIMESTAMPTZ '2025-05-04 00:00:03.5+00', 2.5::DOUBLE, 8.83::DOUBLE, 'Ōkawa')) AS v(event_id, event_time, mag, depth_km, note)`,
    );

    const seen = await spark.read([v1, v2], { view: 'quakes', queries: { all: 'SELECT * FROM quakes ORDER BY event_id' } });
    const duck = await readWithDuckDBAsSpark(engine, duckRead([v1, v2], 'ORDER BY event_id'));
    expect(seen.queries.all).toEqual(duck);
    expect(seen.schema.map((c) => `${c.name} ${c.type}`)).toEqual([
      'event_id string',
      'event_time timestamp',
      'mag double',
      'depth_km double',
      'note string',
    ]);
    expect(seen.queries.all.rows).toEqual([
      { event_id: 'ci1', event_time: '2025-05-04T00:00:01.000001Z', mag: 1.5, depth_km: null, note: null },
      { event_id: 'ci2', event_time: '2025-05-04T00:00:02.000000Z', mag: null, depth_km: null, note: null },
      { event_id: 'ci3', event_time: '2025-05-04T00:00:03.500000Z', mag: 2.5, depth_km: 8.83, note: 'Ōkawa' },
    ]);
  });

  it('reads exactly the given files: a sibling file and hive-style folders add nothing', async () => {
    const path = await copy('spark-only-me', `SELECT 1 AS id`);
    await copy('spark-sibling', `SELECT 2 AS id`);
    const seen = await spark.read([path]);
    // the file sits in event_date=2025-05-04/: no event_date column, no sibling rows
    expect(path).toContain('=2025-05-04');
    expect(seen).toEqual({ schema: [{ name: 'id', type: 'int' }], rows: [{ id: 1 }], queries: {} });
  });

  it('leaves out rows named by positional delete files and drops internal columns, as a DuckLake reader must', async () => {
    const a = await copy('spark-deletes-a', `SELECT * FROM (VALUES (1, 10), (2, 20), (3, 30), (4, 40)) AS v(id, _ducklake_internal_snapshot_id)`);
    const b = await copy('spark-deletes-b', `SELECT * FROM (VALUES (5), (6)) AS v(id)`);
    // DuckLake's delete file layout: file_path VARCHAR, pos BIGINT (0-based row of that file)
    const deletes = await copy('spark-deletes-d', `SELECT * FROM (VALUES (${sqlFilePath(a)}, 1::BIGINT), (${sqlFilePath(a)}, 3::BIGINT)) AS v(file_path, pos)`);

    const seen = await spark.read([a, b], { deleteFiles: [deletes], dropColumnPrefixes: ['_ducklake_internal_'], queries: { ids: 'SELECT id FROM t ORDER BY id' } });
    expect(seen.schema).toEqual([{ name: 'id', type: 'int' }]);
    expect(seen.queries.ids.rows).toEqual([{ id: 1 }, { id: 3 }, { id: 5 }, { id: 6 }]);

    const foreign = spark.read([b], { deleteFiles: [deletes] });
    await expect(foreign).rejects.toMatchObject({ code: 'READ_FAILED', message: expect.stringContaining('not read') });
  });

  it('reads with an explicit schema matched by field id: a renamed and a widened column, as DuckLake defines them', async () => {
    const older = join(tmp.dir, 'field-ids-1.parquet');
    const newer = join(tmp.dir, 'field-ids-2.parquet');
    await engine.run(`COPY (SELECT 1 AS id, 'Zürich' AS name, 7::INTEGER AS v) TO ${sqlFilePath(older)} (FORMAT parquet, FIELD_IDS {id: 1, name: 2, v: 3})`);
    await engine.run(`COPY (SELECT 2 AS id, 'Ōkawa' AS label, 9007199254740993::BIGINT AS v) TO ${sqlFilePath(newer)} (FORMAT parquet, FIELD_IDS {id: 1, label: 2, v: 3})`);

    await expect(spark.read([older, newer])).rejects.toMatchObject({ code: 'READ_FAILED', message: expect.stringContaining('CANNOT_MERGE_SCHEMAS') });
    const schema = [
      { name: 'id', type: 'int', fieldId: 1 },
      { name: 'label', type: 'string', fieldId: 2 },
      { name: 'v', type: 'bigint', fieldId: 3 },
    ];
    const seen = await spark.read([older, newer], { schema, queries: { all: 'SELECT * FROM t ORDER BY id' } });
    expect(seen.queries.all.rows).toEqual([
      { id: 1, label: 'Zürich', v: 7 },
      { id: 2, label: 'Ōkawa', v: '9007199254740993' },
    ]);
    // by name (no field ids), the older file's `name` is not `label`
    const byName = await spark.read([older, newer], { schema: schema.map(({ name, type }) => ({ name, type })), queries: { all: 'SELECT label FROM t ORDER BY id' } });
    expect(byName.queries.all.rows).toEqual([{ label: null }, { label: 'Ōkawa' }]);
  });

  it('surfaces Spark errors with their message and keeps the session usable', async () => {
    const path = await copy('spark-error', `SELECT 1 AS id`);
    const failure = spark.read([path], { queries: { bad: 'SELECT no_such_column FROM t' } });
    await expect(failure).rejects.toMatchObject({ code: 'READ_FAILED', message: expect.stringContaining('no_such_column') });
    await expect(spark.read([path])).resolves.toMatchObject({ rows: [{ id: 1 }] });
  });

  it('refuses arguments it cannot read exactly (before reaching Spark)', async () => {
    await expect(spark.read([])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(spark.read(['relative.parquet'])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(spark.read(['/tmp/a*.parquet'])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(spark.read(['/tmp/x.parquet'], { view: 't; DROP' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('fails with the install command when the interpreter has no pyspark or does not exist', async () => {
    // python3 -S: the standard library without site-packages, so pyspark cannot be imported
    const noSite = join(tmp.dir, 'python-without-site');
    await writeFile(noSite, '#!/bin/sh\nexec python3 -S "$@"\n');
    await chmod(noSite, 0o755);
    const missing = readWithSpark(['/tmp/x.parquet'], { python: noSite });
    await expect(missing).rejects.toBeInstanceOf(SparkInteropError);
    await expect(missing).rejects.toMatchObject({ code: 'PYSPARK_MISSING', message: expect.stringContaining('node tools/scripts/ensure-python.mjs') });
    const absent = readWithSpark(['/tmp/x.parquet'], { python: join(tmp.dir, 'no-such-python') });
    await expect(absent).rejects.toMatchObject({ code: 'PYTHON_MISSING', message: expect.stringContaining('node tools/scripts/ensure-python.mjs') });
  });
});
