import { recordingLogger } from '@fluxo/schema/testing';
import { ParquetEngine } from './engine';
import { openTestEngine } from './testing/temp-lake';

describe('ParquetEngine', () => {
  let engine: ParquetEngine;
  beforeAll(async () => {
    engine = await openTestEngine();
  });
  afterAll(async () => {
    await engine.close();
  });

  it('runs its session in UTC (TIMESTAMPTZ shown and truncated in UTC)', async () => {
    const [row] = await engine.all(
      `SELECT current_setting('TimeZone') AS tz, CAST(TIMESTAMPTZ '2025-05-04 15:00:00+02' AS VARCHAR) AS shown`,
    );
    expect(row).toEqual({ tz: 'UTC', shown: '2025-05-04 13:00:00+00' });
  });

  it('never downloads extensions', async () => {
    const [row] = await engine.all(
      `SELECT current_setting('autoinstall_known_extensions') AS install, current_setting('autoload_known_extensions') AS load`,
    );
    expect(row).toEqual({ install: false, load: false });
  });

  it.each([
    ['BIGINT that fits', `SELECT 9007199254740991::BIGINT AS v`, 9007199254740991],
    ['BIGINT beyond 2^53', `SELECT 9007199254740993::BIGINT AS v`, '9007199254740993'],
    ['negative BIGINT beyond 2^53', `SELECT (-9007199254740993)::BIGINT AS v`, '-9007199254740993'],
    ['HUGEINT', `SELECT 170141183460469231731687303715884105727::HUGEINT AS v`, '170141183460469231731687303715884105727'],
    ['INTEGER', `SELECT 42::INTEGER AS v`, 42],
    ['DOUBLE', `SELECT 1.48::DOUBLE AS v`, 1.48],
    ['DECIMAL', `SELECT 12.345::DECIMAL(9,3) AS v`, 12.345],
    ['BOOLEAN', `SELECT true AS v`, true],
    ['VARCHAR', `SELECT 'Zürich ✓' AS v`, 'Zürich ✓'],
    ['NULL', `SELECT NULL::VARCHAR AS v`, null],
    ['TIMESTAMPTZ ms', `SELECT TIMESTAMPTZ '2025-05-04 13:40:18.11+00' AS v`, '2025-05-04T13:40:18.110Z'],
    ['TIMESTAMPTZ µs', `SELECT TIMESTAMPTZ '2025-05-04 13:40:18.110123+00' AS v`, '2025-05-04T13:40:18.110123Z'],
    ['TIMESTAMPTZ before 1970 with µs', `SELECT TIMESTAMPTZ '1969-12-31 23:59:59.999999+00' AS v`, '1969-12-31T23:59:59.999999Z'],
    ['TIMESTAMP (read as UTC)', `SELECT TIMESTAMP '2025-05-04 13:40:18' AS v`, '2025-05-04T13:40:18.000Z'],
    ['TIMESTAMP_MS', `SELECT '2025-05-04 13:40:18.123'::TIMESTAMP_MS AS v`, '2025-05-04T13:40:18.123Z'],
    ['TIMESTAMP_S', `SELECT '2025-05-04 13:40:18'::TIMESTAMP_S AS v`, '2025-05-04T13:40:18.000Z'],
    ['TIMESTAMP_NS', `SELECT '2025-05-04 13:40:18.123456789'::TIMESTAMP_NS AS v`, '2025-05-04T13:40:18.123456789Z'],
    ['infinity', `SELECT 'infinity'::TIMESTAMPTZ AS v`, 'infinity'],
    ['DATE', `SELECT DATE '2025-05-04' AS v`, '2025-05-04'],
    ['LIST', `SELECT [1, 2, NULL] AS v`, [1, 2, null]],
    ['STRUCT', `SELECT {'a': 1, 'b': 'x'} AS v`, { a: 1, b: 'x' }],
    ['MAP', `SELECT MAP {'k': 1} AS v`, [{ key: 'k', value: 1 }]],
    ['UUID', `SELECT '3f0c4b5e-52b5-4f63-9a8e-0d8f7a0d2b11'::UUID AS v`, '3f0c4b5e-52b5-4f63-9a8e-0d8f7a0d2b11'],
  ])('converts %s to plain JS', async (_name, sql, expected) => {
    const rows = await engine.all<{ v: unknown }>(sql);
    expect(rows).toEqual([{ v: expected }]);
  });

  it('converts BLOB to Uint8Array', async () => {
    const [row] = await engine.all<{ v: Uint8Array }>(`SELECT '\\xAA\\x01'::BLOB AS v`);
    expect(Array.from(row?.v ?? [])).toEqual([0xaa, 0x01]);
  });

  it('reports DuckDB failures as QUERY_FAILED with the SQL in context', async () => {
    await expect(engine.run('SELEC 1')).rejects.toMatchObject({
      code: 'QUERY_FAILED',
      retriable: false,
      context: { sql: 'SELEC 1' },
    });
    // and stays usable afterwards
    await expect(engine.all('SELECT 1 AS one')).resolves.toEqual([{ one: 1 }]);
  });

  it('runs concurrent calls one at a time, in order', async () => {
    await engine.run('CREATE TABLE seq (i INTEGER)');
    await Promise.all(Array.from({ length: 20 }, (_, i) => engine.run(`INSERT INTO seq VALUES (${i})`)));
    const rows = await engine.all<{ i: number }>('SELECT i FROM seq');
    expect(rows.map((r) => r.i)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    await engine.run('DROP TABLE seq');
  });

  it('refuses invalid options', async () => {
    await expect(ParquetEngine.open({ logger: recordingLogger(), threads: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(ParquetEngine.open({ logger: recordingLogger(), memoryLimitMb: 1.5 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('closes idempotently, with await using, and refuses work afterwards', async () => {
    const logger = recordingLogger();
    let closed: ParquetEngine;
    {
      await using scoped = await ParquetEngine.open({ logger, threads: 1 });
      closed = scoped;
      await scoped.all('SELECT 1');
    }
    expect(closed.isClosed).toBe(true);
    await closed.close();
    await expect(closed.all('SELECT 1')).rejects.toMatchObject({ code: 'ENGINE_CLOSED' });
    expect(logger.entries.map((e) => e.message)).toEqual(expect.arrayContaining(['duckdb engine opened', 'duckdb engine closed']));
  });
});
