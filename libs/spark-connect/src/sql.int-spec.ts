import { DataType, TimeUnit, type Table } from 'apache-arrow';
import { silentLogger } from '@fluxo/schema';
import { connectSparkSession, decimalString, isoMicros, timestampMicros, type SparkSession } from './index';
import { testSparkRemote } from './testing';
import provenance from '../proto/PROVENANCE.json';

let spark: SparkSession;

beforeAll(async () => {
  spark = await connectSparkSession({ remote: testSparkRemote(), logger: silentLogger });
});

afterAll(async () => {
  await spark.close();
});

const ALL_TYPES = `
  SELECT * FROM VALUES
    (CAST(-8 AS TINYINT), CAST(-16 AS SMALLINT), -32, 9007199254740993L, CAST(1.5 AS FLOAT), 2.25D,
     CAST('-123.45' AS DECIMAL(10,2)), CAST('12345678901234567890.123456789012345678' AS DECIMAL(38,18)),
     'héllo, wörld ✓', X'00FF10', true, DATE'2024-02-29',
     TIMESTAMP'2024-02-29 12:34:56.123456', TIMESTAMP_NTZ'1969-12-31 23:59:59.999999',
     array(1, 2, 3), map('a', 1), named_struct('x', 1, 'y', 'z')),
    (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)
  AS t(tiny, small, int, big, float, double, dec, wide_dec, str, bin, bool, date, ts, ntz, arr, m, st)`;

function column(table: Table, name: string) {
  const vector = table.getChild(name);
  if (vector === null) throw new Error(`no column ${name}`);
  return vector;
}

describe('SQL with Arrow results (real Spark Connect server)', () => {
  it('returns every common Spark type as the matching Arrow type, with exact values and nulls', async () => {
    const { table } = await spark.sql(ALL_TYPES);
    const types = Object.fromEntries(table.schema.fields.map((field) => [field.name, field.type]));
    expect(table.numRows).toBe(2);
    expect(DataType.isInt(types['tiny']) && types['tiny'].bitWidth).toBe(8);
    expect(DataType.isInt(types['small']) && types['small'].bitWidth).toBe(16);
    expect(DataType.isInt(types['int']) && types['int'].bitWidth).toBe(32);
    expect(DataType.isInt(types['big']) && types['big'].bitWidth).toBe(64);
    expect(String(types['float'])).toBe('Float32');
    expect(String(types['double'])).toBe('Float64');
    expect(DataType.isDecimal(types['dec']) && [types['dec'].precision, types['dec'].scale]).toEqual([10, 2]);
    expect(DataType.isDecimal(types['wide_dec']) && [types['wide_dec'].precision, types['wide_dec'].scale]).toEqual([38, 18]);
    expect(DataType.isUtf8(types['str'])).toBe(true);
    expect(DataType.isBinary(types['bin'])).toBe(true);
    expect(DataType.isBool(types['bool'])).toBe(true);
    expect(DataType.isDate(types['date'])).toBe(true);
    // TIMESTAMP carries the session time zone (UTC by default); TIMESTAMP_NTZ has none.
    expect(DataType.isTimestamp(types['ts']) && [types['ts'].unit, types['ts'].timezone]).toEqual([TimeUnit.MICROSECOND, 'UTC']);
    expect(DataType.isTimestamp(types['ntz']) && [types['ntz'].unit, types['ntz'].timezone]).toEqual([TimeUnit.MICROSECOND, null]);
    expect(DataType.isList(types['arr'])).toBe(true);
    expect(DataType.isMap(types['m'])).toBe(true);
    expect(DataType.isStruct(types['st'])).toBe(true);

    const row = table.get(0)?.toJSON();
    expect(row).toMatchObject({ tiny: -8, small: -16, int: -32, big: 9007199254740993n, float: 1.5, double: 2.25, str: 'héllo, wörld ✓', bool: true });
    expect([...(row?.['bin'] as Uint8Array)]).toEqual([0x00, 0xff, 0x10]);
    expect(new Date(row?.['date'] as number).toISOString()).toBe('2024-02-29T00:00:00.000Z');
    expect(decimalString(column(table, 'dec'), 0)).toBe('-123.45');
    expect(decimalString(column(table, 'wide_dec'), 0)).toBe('12345678901234567890.123456789012345678');
    expect(timestampMicros(column(table, 'ts'), 0)).toBe(1_709_210_096_123_456n);
    expect(isoMicros(timestampMicros(column(table, 'ts'), 0) ?? 0n)).toBe('2024-02-29T12:34:56.123456Z');
    expect(isoMicros(timestampMicros(column(table, 'ntz'), 0) ?? 0n)).toBe('1969-12-31T23:59:59.999999Z');
    expect(column(table, 'arr').get(0)?.toArray()).toEqual(Int32Array.from([1, 2, 3]));
    expect(column(table, 'm').get(0)?.toJSON()).toEqual({ a: 1 });
    expect(column(table, 'st').get(0)?.toJSON()).toEqual({ x: 1, y: 'z' });

    for (const field of table.schema.fields) expect([field.name, column(table, field.name).isValid(1)]).toEqual([field.name, false]);
    expect(decimalString(column(table, 'dec'), 1)).toBeNull();
    expect(timestampMicros(column(table, 'ts'), 1)).toBeNull();
  });

  it('binds named and positional parameters as typed literals, never as SQL text', async () => {
    const named = await spark.sql('SELECT :s AS s, :i AS i, :b AS b, :t AS t, :n IS NULL AS n, :d AS d', {
      parameters: { s: "it's; DROP TABLE x", i: 2 ** 40, b: 12345678901234567n, t: new Date('2024-01-02T03:04:05.678Z'), n: null, d: 0.5 },
    });
    expect(named.table.get(0)?.toJSON()).toMatchObject({ s: "it's; DROP TABLE x", i: 2n ** 40n, b: 12345678901234567n, n: true, d: 0.5 });
    expect(isoMicros(timestampMicros(column(named.table, 't'), 0) ?? 0n)).toBe('2024-01-02T03:04:05.678000Z');
    const positional = await spark.sql('SELECT ? + ? AS sum', { parameters: [40, 2] });
    expect(positional.table.get(0)?.toJSON()).toEqual({ sum: 42 });
  });

  it('runs commands, keeps session state, and returns an empty result with its schema', async () => {
    const view = `fluxo_test_${Date.now().toString(36)}`;
    const created = await spark.sql(`CREATE OR REPLACE TEMPORARY VIEW ${view} AS SELECT id, id * 2 AS twice FROM range(5)`);
    expect(created.table.numRows).toBe(0);
    const { table } = await spark.sql(`SELECT sum(twice) AS total FROM ${view}`);
    expect(table.get(0)?.toJSON()).toEqual({ total: 20n });
    const empty = await spark.sql(`SELECT * FROM ${view} WHERE id < 0`);
    expect(empty.table.numRows).toBe(0);
    expect(empty.table.schema.fields.map((field) => field.name)).toEqual(['id', 'twice']);
  });

  it('streams record batches in order', async () => {
    await spark.setConfig({ 'spark.sql.execution.arrow.maxRecordsPerBatch': '1000' });
    let next = 0n;
    let batches = 0;
    for await (const batch of spark.batches('SELECT id FROM range(0, 5000, 1, 1)')) {
      const ids = batch.getChild('id');
      for (let i = 0; i < batch.numRows; i += 1) expect(ids?.get(i)).toBe(next++);
      batches += 1;
    }
    expect(next).toBe(5_000n);
    expect(batches).toBeGreaterThanOrEqual(5);
  });

  it('reports the server version (the vendored protocol is from the same Spark minor version) and session config', async () => {
    const version = await spark.sparkVersion();
    expect(version.split('.').slice(0, 2)).toEqual(provenance.sparkVersion.split('.').slice(0, 2));
    expect(await spark.getConfig(['spark.sql.session.timeZone', 'fluxo.unset.key'])).toEqual({ 'spark.sql.session.timeZone': 'UTC', 'fluxo.unset.key': undefined });
  });
});
