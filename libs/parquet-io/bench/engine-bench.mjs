// Parquet engine benchmark on our data shape (see docs/decisions/0001-parquet-engine.md).
// Not part of the test suite. Run from the workspace root:
//   node --expose-gc libs/parquet-io/bench/engine-bench.mjs [rows=200000] [repeats=3]
// Measures (a) writing the raw file shape and (b) raw parquet -> transform -> curated parquet,
// for @dsnp/parquetjs (naive baseline) and DuckDB (@duckdb/node-api), and checks every output
// reads back with the right row count in DuckDB.
import { mkdtempSync, rmSync, statSync, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { tmpdir, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { DuckDBInstance, DuckDBTimestampTZValue, DuckDBDataChunk, VARCHAR, TIMESTAMPTZ, version as duckdbVersion } from '@duckdb/node-api';
import parquet from '@dsnp/parquetjs';
import { makeRawRows } from './rows.mjs';

const require = createRequire(import.meta.url);
const count = Number(process.argv[2] ?? 200_000);
const dir = mkdtempSync(join(tmpdir(), 'fluxo-bench-'));
const fetchedAt = new Date('2025-05-04T13:52:57.000Z');
const results = [];

const q = (s) => `'${s.replaceAll("'", "''")}'`;
const mb = (path) => (statSync(path).size / 1e6).toFixed(1);

const REPEATS = Number(process.argv[3] ?? 3);

/** Runs `fn(rep)` REPEATS times (the machine is shared and noisy); reports the median and the best run. */
async function timed(name, fn, outPath) {
  const times = [];
  for (let rep = 0; rep < REPEATS; rep++) {
    globalThis.gc?.();
    const start = process.hrtime.bigint();
    await fn(rep);
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  const best = times[0];
  const path = typeof outPath === 'function' ? outPath() : outPath;
  const entry = {
    name, medianSeconds: median.toFixed(2), medianRowsPerSecond: Math.round(count / median),
    bestRowsPerSecond: Math.round(count / best), sizeMb: mb(path),
  };
  results.push(entry);
  console.error(`${name}: median ${entry.medianSeconds} s = ${entry.medianRowsPerSecond} rows/s (best ${entry.bestRowsPerSecond}), ${entry.sizeMb} MB`);
}

const RAW_DDL = `CREATE OR REPLACE TABLE raw_rows (
  record_key VARCHAR NOT NULL, record_version VARCHAR NOT NULL, event_time TIMESTAMPTZ,
  fetched_at TIMESTAMPTZ NOT NULL, record VARCHAR NOT NULL, context VARCHAR)`;
const tz = (date) => new DuckDBTimestampTZValue(BigInt(date.getTime()) * 1000n);

// The curated projection used by both transforms (12 columns, typed).
const CURATED_SQL = (src) => `
  SELECT record_key AS id,
         CAST(record->>'$.properties.mag' AS DOUBLE) AS mag,
         record->>'$.properties.magType' AS mag_type,
         record->>'$.properties.place' AS place,
         epoch_ms(CAST(record->>'$.properties.time' AS BIGINT))::TIMESTAMPTZ AS event_time,
         epoch_ms(CAST(record->>'$.properties.updated' AS BIGINT))::TIMESTAMPTZ AS updated_at,
         record->>'$.properties.status' AS status,
         CAST(record->>'$.properties.tsunami' AS INTEGER) AS tsunami,
         CAST(record->>'$.properties.sig' AS INTEGER) AS sig,
         CAST(record->>'$.geometry.coordinates[0]' AS DOUBLE) AS longitude,
         CAST(record->>'$.geometry.coordinates[1]' AS DOUBLE) AS latitude,
         CAST(record->>'$.geometry.coordinates[2]' AS DOUBLE) AS depth_km
  FROM read_parquet(${q(src)})`;

// Same projection, parsing each record once: json_extract_string with a list of paths returns a list.
const PATHS = ['$.properties.mag', '$.properties.magType', '$.properties.place', '$.properties.time', '$.properties.updated',
  '$.properties.status', '$.properties.tsunami', '$.properties.sig', '$.geometry.coordinates[0]', '$.geometry.coordinates[1]',
  '$.geometry.coordinates[2]'];
const CURATED_SINGLE_PARSE_SQL = (src) => `
  SELECT record_key AS id, CAST(v[1] AS DOUBLE) AS mag, v[2] AS mag_type, v[3] AS place,
         epoch_ms(CAST(v[4] AS BIGINT))::TIMESTAMPTZ AS event_time, epoch_ms(CAST(v[5] AS BIGINT))::TIMESTAMPTZ AS updated_at,
         v[6] AS status, CAST(v[7] AS INTEGER) AS tsunami, CAST(v[8] AS INTEGER) AS sig,
         CAST(v[9] AS DOUBLE) AS longitude, CAST(v[10] AS DOUBLE) AS latitude, CAST(v[11] AS DOUBLE) AS depth_km
  FROM (SELECT record_key, json_extract_string(record, [${PATHS.map(q).join(', ')}]) AS v FROM read_parquet(${q(src)}))`;

let bundleFile;
const silentLogger = { debug() {}, info() {}, warn() {}, error() {}, child() { return silentLogger; } };

/** Bundles libs/parquet-io/src/index.ts with esbuild (path aliases from tsconfig.base.json) and loads it. */
async function loadLibrary() {
  const { build } = await import('esbuild');
  const root = new URL('../../../', import.meta.url).pathname;
  // next to this script (not in the temp dir), so the bundle resolves node_modules; removed at exit
  bundleFile = join(root, 'libs/parquet-io/bench/.parquet-io.bundle.cjs');
  const outfile = bundleFile;
  await build({
    entryPoints: [join(root, 'libs/parquet-io/src/index.ts')],
    bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, logLevel: 'warning',
    tsconfig: join(root, 'tsconfig.base.json'),
    external: ['@duckdb/*', 'class-validator', 'class-transformer', 'reflect-metadata'],
  });
  return require(outfile);
}

async function main() {
  console.error(`generating ${count} rows…`);
  const rows = makeRawRows(count);
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const con = await instance.connect();
  // TimeZone is an ICU setting: it cannot be passed at create time (ICU loads later); set it per connection.
  await con.run(`SET TimeZone = 'UTC'`);

  // (a) raw file shape ----------------------------------------------------------------------
  const pqRaw = join(dir, 'raw-parquetjs.parquet');
  await timed('a. parquetjs row appends (snappy, V1 pages)', async () => {
    const schema = new parquet.ParquetSchema({
      record_key: { type: 'UTF8' },
      record_version: { type: 'UTF8' },
      event_time: { type: 'TIMESTAMP_MILLIS', optional: true },
      fetched_at: { type: 'TIMESTAMP_MILLIS' },
      record: { type: 'UTF8', compression: 'SNAPPY' },
      context: { type: 'UTF8', optional: true },
    });
    const writer = await parquet.ParquetWriter.openFile(schema, pqRaw, { useDataPageV2: false });
    for (const r of rows) {
      await writer.appendRow({ record_key: r.key, record_version: r.version, event_time: r.eventTime ?? undefined, fetched_at: fetchedAt, record: r.record, context: r.context ?? undefined });
    }
    await writer.close();
  }, pqRaw);

  const appRaw = join(dir, 'raw-appender.parquet');
  await timed('a. duckdb appender row-by-row + COPY zstd', async () => {
    await con.run(RAW_DDL);
    const appender = await con.createAppender('raw_rows');
    const fetched = tz(fetchedAt);
    for (const r of rows) {
      appender.appendVarchar(r.key);
      appender.appendVarchar(r.version);
      if (r.eventTime === null) appender.appendNull(); else appender.appendTimestampTZ(tz(r.eventTime));
      appender.appendTimestampTZ(fetched);
      appender.appendVarchar(r.record);
      if (r.context === null) appender.appendNull(); else appender.appendVarchar(r.context);
      appender.endRow();
    }
    appender.closeSync();
    await con.run(`COPY raw_rows TO ${q(appRaw)} (FORMAT parquet, COMPRESSION zstd)`);
  }, appRaw);

  const chunkRaw = join(dir, 'raw-chunks.parquet');
  await timed('a. duckdb data chunks (2048 rows) + COPY zstd', async () => {
    await con.run(RAW_DDL);
    const appender = await con.createAppender('raw_rows');
    const types = [VARCHAR, VARCHAR, TIMESTAMPTZ, TIMESTAMPTZ, VARCHAR, VARCHAR];
    const fetched = tz(fetchedAt);
    for (let start = 0; start < rows.length; start += 2048) {
      const slice = rows.slice(start, start + 2048);
      const chunk = DuckDBDataChunk.create(types, slice.length);
      chunk.setColumns([
        slice.map((r) => r.key),
        slice.map((r) => r.version),
        slice.map((r) => (r.eventTime === null ? null : tz(r.eventTime))),
        slice.map(() => fetched),
        slice.map((r) => r.record),
        slice.map((r) => r.context),
      ]);
      appender.appendDataChunk(chunk);
    }
    appender.closeSync();
    await con.run(`COPY raw_rows TO ${q(chunkRaw)} (FORMAT parquet, COMPRESSION zstd)`);
  }, chunkRaw);

  const ndjsonRaw = join(dir, 'raw-ndjson.parquet');
  await timed('a. duckdb NDJSON temp file + read_json + COPY zstd', async () => {
    const ndjson = join(dir, 'rows.ndjson');
    const out = createWriteStream(ndjson);
    const fetchedIso = fetchedAt.toISOString();
    for (const r of rows) {
      const line = JSON.stringify({ record_key: r.key, record_version: r.version, event_time: r.eventTime?.toISOString() ?? null, fetched_at: fetchedIso, record: r.record, context: r.context }) + '\n';
      if (!out.write(line)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    await con.run(`COPY (SELECT * FROM read_json(${q(ndjson)}, format = 'newline_delimited', columns = {record_key: 'VARCHAR', record_version: 'VARCHAR', event_time: 'TIMESTAMPTZ', fetched_at: 'TIMESTAMPTZ', record: 'VARCHAR', context: 'VARCHAR'})) TO ${q(ndjsonRaw)} (FORMAT parquet, COMPRESSION zstd)`);
    rmSync(ndjson);
  }, ndjsonRaw);

  const snappyRaw = join(dir, 'raw-chunks-snappy.parquet');
  await timed('a. duckdb COPY of the same table, snappy (size comparison)', async () => {
    await con.run(`COPY raw_rows TO ${q(snappyRaw)} (FORMAT parquet, COMPRESSION snappy)`);
  }, snappyRaw);

  // (b) parquet -> transform -> parquet ----------------------------------------------------
  const duckCurated = join(dir, 'curated-duckdb.parquet');
  await timed('b. duckdb read_parquet -> json extract -> COPY zstd', async () => {
    await con.run(`COPY (${CURATED_SQL(chunkRaw)}) TO ${q(duckCurated)} (FORMAT parquet, COMPRESSION zstd)`);
  }, duckCurated);

  const duckCurated1 = join(dir, 'curated-duckdb-single-parse.parquet');
  await timed('b. duckdb read_parquet -> one json_extract_string(list of paths) -> COPY zstd', async () => {
    await con.run(`COPY (${CURATED_SINGLE_PARSE_SQL(chunkRaw)}) TO ${q(duckCurated1)} (FORMAT parquet, COMPRESSION zstd)`);
  }, duckCurated1);

  const pqCurated = join(dir, 'curated-parquetjs.parquet');
  await timed('b. parquetjs cursor -> JSON.parse -> row appends (snappy)', async () => {
    const schema = new parquet.ParquetSchema({
      id: { type: 'UTF8' },
      mag: { type: 'DOUBLE', optional: true },
      mag_type: { type: 'UTF8', optional: true },
      place: { type: 'UTF8', optional: true },
      event_time: { type: 'TIMESTAMP_MILLIS' },
      updated_at: { type: 'TIMESTAMP_MILLIS' },
      status: { type: 'UTF8', optional: true },
      tsunami: { type: 'INT32', optional: true },
      sig: { type: 'INT32', optional: true },
      longitude: { type: 'DOUBLE' },
      latitude: { type: 'DOUBLE' },
      depth_km: { type: 'DOUBLE' },
    });
    const reader = await parquet.ParquetReader.openFile(pqRaw);
    const writer = await parquet.ParquetWriter.openFile(schema, pqCurated, { useDataPageV2: false });
    const cursor = reader.getCursor();
    for (let row = await cursor.next(); row; row = await cursor.next()) {
      const f = JSON.parse(row.record);
      const p = f.properties;
      await writer.appendRow({
        id: row.record_key, mag: p.mag ?? undefined, mag_type: p.magType ?? undefined, place: p.place ?? undefined,
        event_time: new Date(p.time), updated_at: new Date(p.updated), status: p.status ?? undefined,
        tsunami: p.tsunami ?? undefined, sig: p.sig ?? undefined,
        longitude: f.geometry.coordinates[0], latitude: f.geometry.coordinates[1], depth_km: f.geometry.coordinates[2],
      });
    }
    await writer.close();
    await reader.close();
  }, pqCurated);

  // (c) the library itself: writeRawFile and copyQueryToParquet, staging (fsync + sha256) included
  const lib = await loadLibrary();
  const lake = await lib.Lake.open(join(dir, 'lake'));
  const engine = await lib.ParquetEngine.open({ logger: silentLogger, threads: 2 });
  let libRaw;
  await timed('c. fluxo writeRawFile (data chunks, zstd, stage: fsync + sha256)', async () => {
    const written = await lib.writeRawFile(engine, lake, { source: 'usgs-earthquakes', stem: 'bench', fetchedAt, rows, overwrite: true });
    await written.commit();
    libRaw = written.path;
  }, () => libRaw);
  let libCurated;
  await timed('c. fluxo copyQueryToParquet (single-parse projection, stage included)', async () => {
    const target = lake.curatedPath('earthquakes', '2025-05-04', 'bench');
    const { staged } = await lib.copyQueryToParquet(engine, { sql: CURATED_SINGLE_PARSE_SQL(libRaw), finalPath: target.path, overwrite: true });
    await staged.commit();
    libCurated = target.path;
  }, () => libCurated);
  await engine.close();

  // read-back check: every output has `count` rows in DuckDB
  for (const path of [pqRaw, appRaw, chunkRaw, ndjsonRaw, snappyRaw, duckCurated, duckCurated1, pqCurated, libRaw, libCurated]) {
    const reader = await con.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM read_parquet(${q(path)})`);
    const n = reader.getRowObjectsJS()[0].n;
    if (n !== count) throw new Error(`${path}: ${n} rows, expected ${count}`);
  }

  console.log(JSON.stringify({
    date: new Date().toISOString(), rows: count, node: process.version, duckdb: duckdbVersion(),
    nodeApi: require('@duckdb/node-api/package.json').version, parquetjs: require('@dsnp/parquetjs/package.json').version,
    cpu: `${cpus().length} × ${cpus()[0]?.model}`, memGb: Math.round(totalmem() / 1e9), results,
  }, null, 2));
  con.closeSync();
  instance.closeSync();
}

try {
  await main();
} finally {
  rmSync(dir, { recursive: true, force: true });
  if (bundleFile) rmSync(bundleFile, { force: true });
}
