import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  BUILTIN_DEFINITIONS,
  compileMapping,
  createEventExtractor,
  createRecordExtractor,
  curatedSelectForFile,
  curatedSelectSql,
  DefinitionCatalog,
  silentLogger,
  SQL_DIALECTS,
  type DefinitionInput,
  type ExtractedRecord,
} from '@fluxo/schema';
import { sqlFilePath, sqlString, writeRawFile, type ParquetEngine, type RawRow } from '@fluxo/parquet-io';
import { createTempLake, openTestEngine, type TempLake } from '@fluxo/parquet-io/testing';
import { connectSparkSession, type SparkSession } from '@fluxo/spark-connect';
import { testSparkRemote } from '@fluxo/spark-connect/testing';

/**
 * Issue 12, part 2 — one mapping, two dialects. The same raw files (recorded USGS, Open-Meteo and
 * Wikimedia responses, and a file of awkward values) are curated by DuckDB in process and by Spark
 * 4.1 through Spark Connect (the run's real server, FLUXO_TEST_SPARK_REMOTE, sharing this file
 * system), each with the SQL its dialect compiles from the same mapping. Spark writes Parquet (it
 * never sends rows back through Connect); DuckDB reads both outputs and they must hold the same
 * rows — every value, timestamps to the microsecond in UTC, the drift flags — with the same types.
 */
const FIXTURES = join(__dirname, '../../../../tools/replay-api/fixtures');
const USGS_POLLS = join(FIXTURES, 'usgs/sudo-ivan-2025-05-04');

/** A dataset and source of every column type and time format, for the values the recorded APIs do not hold. */
const GOLDEN_DATASET = {
  name: 'golden_values',
  description: 'Every column type, for the two-dialect golden test.',
  columns: [
    { name: 'id', type: 'string', required: true },
    { name: 'as_integer', type: 'integer' },
    { name: 'as_double', type: 'double' },
    { name: 'as_boolean', type: 'boolean' },
    { name: 'as_date', type: 'date' },
    { name: 'as_string', type: 'string' },
    { name: 'nested', type: 'string' },
    { name: 'first_tag', type: 'string' },
    { name: 'from_ms', type: 'timestamp' },
    { name: 'from_s', type: 'timestamp' },
    { name: 'at', type: 'timestamp', required: true },
    { name: 'site_lat', type: 'double' },
    { name: 'delta', type: 'integer' },
    { name: 'unmapped', type: 'string' },
  ],
  partitionBy: 'at',
  entityKey: ['id'],
  versionColumn: '_fetched_at',
};
const GOLDEN_SOURCE = {
  name: 'golden-values',
  kind: 'poll',
  dataset: 'golden_values',
  description: 'Awkward values for the two-dialect golden test.',
  request: { url: 'https://example.org/values', intervalMs: 60_000 },
  records: { path: 'items', layout: 'rows', context: ['site'] },
  key: ['id'],
  mapping: [
    { column: 'id', path: 'id' },
    { column: 'as_integer', path: 'i' },
    { column: 'as_double', path: 'd' },
    { column: 'as_boolean', path: 'b' },
    { column: 'as_date', path: 'dt' },
    { column: 'as_string', path: 's' },
    { column: 'nested', path: 'n.x' },
    { column: 'first_tag', path: 'tags[0]' },
    { column: 'from_ms', path: 'ms', format: 'epoch_ms' },
    { column: 'from_s', path: 'sec', format: 'epoch_s' },
    { column: 'at', path: 'iso', format: 'iso8601' },
    { column: 'site_lat', path: '$context.site.lat' },
    {
      column: 'delta',
      expr: {
        duckdb: "TRY_CAST(json_extract_string(record, '$.d') AS DOUBLE) * 2",
        spark: "try_cast(get_json_object(record, '$.d') AS DOUBLE) * 2",
      },
    },
  ],
};
/** JSON texts of the awkward records (written as received: the raw zone keeps the text verbatim). */
const GOLDEN_RECORDS = [
  '{"id":"r1","i":"4.5","d":"4.5","b":true,"dt":"2024-02-29","s":"it\'s \\\\ a \\"quote\\" ✓ 東京 🌋","n":{"x":[1,{"y":null}]},"tags":["first","second"],"ms":1709210096123,"sec":1709210096.123456,"iso":"2024-02-29T12:34:56.123456Z"}',
  '{"id":"r2","i":4.5,"d":4.5e0,"b":"true","dt":"2024-02-29T10:00:00Z","s":null,"n":null,"ms":"1709210096123","sec":"1709210096","iso":"2024-02-29T14:34:56+02:00"}',
  '{"id":"r3","i":"5.0","d":"abc","b":"yes","dt":"not a date","s":42,"n":{"x":"text"},"tags":[],"ms":1709210096123.5,"sec":-0.000001,"iso":"2024-02-29 12:34:56"}',
  '{"id":"r4","i":1e3,"d":-0.0,"b":0,"s":true,"tags":[null,"x"],"ms":-1,"sec":0,"iso":"2024-02-29"}',
  '{"id":"r5","i":9223372036854775807,"d":1e300,"b":"f","ms":0,"iso":"1969-12-31T23:59:59.999999Z"}',
  '{"id":"r6","i":"9223372036854775808","d":"  2.5  ","b":"maybe","iso":"not a time"}',
  '{"id":"r7","i":-4.5,"d":"-1e-7","b":null,"iso":"2024-02-29T12:34:56.1234567Z"}',
  '{"id":"r8","i":"0x1F","d":2,"b":1,"iso":null}',
  '{"id":"r9","i":true,"d":0.1,"iso":"2024-12-31T23:59:59Z"}',
  '{"id":"r10","i":"-0","d":"1e3","ms":"abc","sec":"1.5e9","iso":"2025-05-04T13:52:57.110Z"}',
  '{"id":"r11","tags":["null"],"n":{"x":null},"iso":"2024-02-29T12:34:56Z"}',
  '{"id":"r12","i":"+5","sec":0.0000016,"iso":"2024-02-29T12:34:56.1234569Z"}',
];

describe('issue 12: one mapping, two dialects — DuckDB and Spark curate the same raw files identically', () => {
  let tmp: TempLake;
  let duckdb: ParquetEngine;
  let spark: SparkSession;
  let catalog: DefinitionCatalog;

  beforeAll(async () => {
    tmp = await createTempLake('fluxo-two-dialects-');
    duckdb = await openTestEngine();
    spark = await connectSparkSession({
      remote: testSparkRemote(),
      logger: silentLogger,
      config: { 'spark.sql.parquet.outputTimestampType': 'TIMESTAMP_MICROS', 'spark.sql.parquet.compression.codec': 'zstd' },
    });
    const golden = (definition: unknown): DefinitionInput => ({ origin: 'golden', definition });
    // Loading for Spark proves every built-in definition compiles to Spark SQL.
    catalog = DefinitionCatalog.build(
      { sources: [...BUILTIN_DEFINITIONS.sources, golden(GOLDEN_SOURCE)], datasets: [...BUILTIN_DEFINITIONS.datasets, golden(GOLDEN_DATASET)] },
      { engine: 'spark' },
    );
  }, 300_000);

  afterAll(async () => {
    await spark?.close();
    await duckdb?.close();
    await tmp?.cleanup();
  });

  /** Raw files of one source, curated by both engines; returns the table of the comparison. */
  async function curateWithBoth(name: string, source: string, files: readonly { readonly rows: readonly RawRow[]; readonly fetchedAt: Date }[]) {
    const definition = catalog.source(source);
    const dataset = catalog.dataset(definition.dataset);
    const mappings = { duckdb: compileMapping(definition, dataset, 'duckdb'), spark: compileMapping(definition, dataset, 'spark') };
    const selects = { duckdb: [] as string[], spark: [] as string[] };
    for (const [index, file] of files.entries()) {
      const written = await writeRawFile(duckdb, tmp.lake, { source, stem: `${name}-${index}`, fetchedAt: file.fetchedAt, rows: file.rows });
      await written.commit();
      const lineage = { source, rawUri: written.uri, topic: 'fluxo.raw-files', partition: index, offset: String(1000 + index) };
      selects.duckdb.push(curatedSelectSql(sqlFilePath(written.path), mappings.duckdb, lineage, { drift: true }));
      selects.spark.push(curatedSelectForFile(written.path, mappings.spark, lineage, { drift: true }));
    }
    const union = (all: readonly string[]) => all.map((select, i) => `SELECT * FROM (${select}) AS file_${i}`).join('\nUNION ALL\n');
    const duckdbFile = join(tmp.dir, `${name}-duckdb.parquet`);
    const sparkDir = join(tmp.dir, `${name}-spark`);
    await duckdb.run(`COPY (${union(selects.duckdb)}) TO ${sqlString(duckdbFile)} (FORMAT parquet, COMPRESSION zstd)`);
    await spark.sql(`INSERT OVERWRITE DIRECTORY ${SQL_DIALECTS.spark.string(sparkDir)} USING parquet ${union(selects.spark)}`);
    const sparkFiles = (await readdir(sparkDir)).filter((f) => f.endsWith('.parquet')).map((f) => join(sparkDir, f));
    return new Comparison(duckdb, sqlString(duckdbFile), `[${sparkFiles.map(sqlString).join(', ')}]`);
  }

  it('the six recorded USGS all_day polls: 1,161 rows, 217 versions of 200 events, the same in both', async () => {
    const extract = createRecordExtractor(catalog.pollSource('usgs-earthquakes'));
    const polls = (await readdir(USGS_POLLS)).filter((f) => f.startsWith('all_day_')).sort();
    expect(polls).toHaveLength(6);
    const files = await Promise.all(polls.map(async (poll) => ({ rows: rawRows(extract(JSON.parse(await readFile(join(USGS_POLLS, poll), 'utf8'))).records), fetchedAt: pollTime(poll) })));
    const both = await curateWithBoth('usgs', 'usgs-earthquakes', files);
    await both.expectSameTypes();
    await both.expectSameRows();
    expect(await both.summary('count(*) AS rows, count(DISTINCT (event_id, updated_at)) AS versions, count(DISTINCT event_id) AS events')).toEqual([{ rows: 1161, versions: 217, events: 200 }]);
  });

  it('recorded Open-Meteo forecasts (columnar, $context paths, an expr per dialect): the same in both', async () => {
    const extract = createRecordExtractor(catalog.pollSource('open-meteo-forecast'));
    const lines = (await readFile(join(FIXTURES, 'open-meteo/jacarei_forecast_daily_snapshots.ndjson'), 'utf8')).trim().split('\n').slice(0, 6);
    const files = lines.map((line) => {
      const snapshot = JSON.parse(line) as { fetchedAt: string; response: unknown };
      return { rows: rawRows(extract(snapshot.response).records), fetchedAt: new Date(snapshot.fetchedAt) };
    });
    const both = await curateWithBoth('open-meteo', 'open-meteo-forecast', files);
    await both.expectSameTypes();
    await both.expectSameRows();
    const [summary] = await both.summary('count(*) AS rows, count(valid_time) AS timed');
    expect(summary?.['rows']).toBeGreaterThan(100);
    expect(summary?.['timed']).toBe(summary?.['rows']);
  });

  it('recorded Wikimedia recent changes (a stream source, two exprs per dialect): the same in both', async () => {
    const definition = catalog.streamSource('wikimedia-recentchange');
    const extract = createEventExtractor(definition);
    const lines = (await readFile(join(FIXTURES, 'wikimedia/recentchange_enwiki_edits_20230729.ndjson'), 'utf8')).trim().split('\n');
    const records = lines.flatMap((line) => {
      const extraction = extract(line);
      return extraction.ok ? [extraction.record] : [];
    });
    const both = await curateWithBoth('wikimedia', 'wikimedia-recentchange', [{ rows: rawRows(records), fetchedAt: new Date('2023-07-29T07:52:00.123456Z') }]);
    await both.expectSameTypes();
    await both.expectSameRows();
    expect(await both.summary('count(*) AS rows, count(event_time) AS timed, count(size_delta) AS sized')).toEqual([{ rows: lines.length, timed: lines.length, sized: lines.length }]);
  });

  it('awkward values of every type and time format: the same rows and types, and the integer rule pinned', async () => {
    const rows = GOLDEN_RECORDS.map((record, i): RawRow => ({ key: (JSON.parse(record) as { id: string }).id, version: '1', eventTime: null, record, context: i % 2 === 0 ? '{"site":{"lat":-23.305}}' : null }));
    // the same (key, version) twice in a file: both engines keep one
    const both = await curateWithBoth('golden', 'golden-values', [{ rows: [...rows, rows[0] as RawRow], fetchedAt: new Date('2024-02-29T12:00:00.000001Z') }]);
    await both.expectSameTypes();
    await both.expectSameRows();
    // integers: integral values only (4.5 → NULL in both; DuckDB alone used to round it to 5)
    const integers = await both.summary('id, as_integer::VARCHAR AS as_integer', 'ORDER BY id');
    expect(Object.fromEntries(integers.map((row) => [row['id'], row['as_integer']]))).toEqual({
      r1: null, // "4.5"
      r2: null, // 4.5
      r3: '5', // "5.0"
      r4: '1000', // 1e3
      r5: '9223372036854775807',
      r6: null, // one past the largest BIGINT
      r7: null, // -4.5
      r8: null, // "0x1F": digits only (DuckDB alone would read hexadecimal)
      r9: null, // true
      r10: '0', // "-0"
      r11: null, // absent
      r12: '5', // "+5"
    });
    const [drift] = await both.summary('count(*) AS rows, count_if(__absent__first_tag) AS no_tag, count_if(__invalid__as_integer) AS bad_integer');
    expect(drift).toEqual({ rows: 12, no_tag: 9, bad_integer: 6 });
    // epoch_s rounds to the microsecond; an ISO fraction beyond it is truncated
    expect(await both.summary("strftime(from_s, '%Y-%m-%dT%H:%M:%S.%fZ') AS from_s, strftime(\"at\", '%Y-%m-%dT%H:%M:%S.%fZ') AS \"at\"", "WHERE id = 'r12'")).toEqual([
      { from_s: '1970-01-01T00:00:00.000002Z', at: '2024-02-29T12:34:56.123456Z' },
    ]);
    // a JSON null array element is NULL, the string "null" is text (Spark alone answered "null" for both)
    expect(await both.summary('id, first_tag', "WHERE id IN ('r4', 'r11') ORDER BY id")).toEqual([{ id: 'r11', first_tag: 'null' }, { id: 'r4', first_tag: null }]);
  });
});

/** The two engines' outputs, read by DuckDB. */
class Comparison {
  constructor(
    private readonly engine: ParquetEngine,
    private readonly duckdbFiles: string,
    private readonly sparkFiles: string,
  ) {}

  private read(files: string): string {
    return `read_parquet(${files}, hive_partitioning = false)`;
  }

  async expectSameTypes(): Promise<void> {
    const types = async (files: string) =>
      (await this.engine.all<{ column_name: string; column_type: string }>(`DESCRIBE SELECT * FROM ${this.read(files)}`)).map((c) => `${c.column_name} ${c.column_type}`);
    const duckdb = await types(this.duckdbFiles);
    expect(duckdb).toContain('_fetched_at TIMESTAMP WITH TIME ZONE');
    expect(await types(this.sparkFiles)).toEqual(duckdb);
  }

  /** Every row of each side is in the other, as many times (timestamps compared as µs instants). */
  async expectSameRows(): Promise<void> {
    const [counts] = await this.engine.all<{ duckdb: number; spark: number }>(
      `SELECT (SELECT count(*) FROM ${this.read(this.duckdbFiles)})::INTEGER AS duckdb, (SELECT count(*) FROM ${this.read(this.sparkFiles)})::INTEGER AS spark`,
    );
    expect(counts?.duckdb).toBeGreaterThan(0);
    expect(counts?.spark).toBe(counts?.duckdb);
    const only = (a: string, b: string) => this.engine.all(`SELECT * FROM (SELECT * FROM ${this.read(a)} EXCEPT ALL SELECT * FROM ${this.read(b)}) LIMIT 5`);
    expect({ onlyDuckdb: await only(this.duckdbFiles, this.sparkFiles), onlySpark: await only(this.sparkFiles, this.duckdbFiles) }).toEqual({ onlyDuckdb: [], onlySpark: [] });
  }

  /** An aggregate over Spark's output (the same as DuckDB's once `expectSameRows` passed). */
  summary(select: string, tail = ''): Promise<Record<string, unknown>[]> {
    return this.engine.all(`SELECT ${select} FROM ${this.read(this.sparkFiles)} ${tail}`);
  }
}

function rawRows(records: readonly ExtractedRecord[]): RawRow[] {
  return records.map((r) => ({ key: r.key, version: r.version, eventTime: r.eventTime, record: r.record, context: r.context }));
}

/** `all_day_20250504T135257Z.geojson` → 2025-05-04T13:52:57Z. */
function pollTime(file: string): Date {
  const match = /(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/.exec(file);
  if (match === null) throw new Error(`no time in ${file}`);
  const [, y, mo, d, h, mi, s] = match;
  return new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`);
}
