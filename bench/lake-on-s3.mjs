// @ts-check
/**
 * What the lake on S3-compatible storage costs next to the local lake (issue 12, part 4; decision
 * 0008): the same raw files written, verified (size + SHA-256) and curated into a DuckLake table,
 * once on a local directory and once on a local Versity S3 Gateway (tools/local-s3; loopback, so
 * this is the protocol's and the gateway's overhead, not a network's). Median wall-clock ms per
 * step over `--files` files of `--rows` rows each, alternating local and S3 so load drifts hit both.
 * `node bench/lake-on-s3.mjs [--files 12] [--rows 10000] [--port 39720]`; prints JSON.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { createBucket, startS3 } from '../tools/local-s3/server.mjs';
import { BENCH_HOME, ROOT } from './lib/paths.mjs';

const { values: args } = parseArgs({ options: { files: { type: 'string', default: '12' }, rows: { type: 'string', default: '10000' }, port: { type: 'string', default: String(39720 + Number(process.env['FLUXO_TEST_PORT_OFFSET'] ?? 0)) } } });
const files = Number(args.files);
const rowsPerFile = Number(args.rows);

const outDir = join(BENCH_HOME, 'build');
await mkdir(outDir, { recursive: true });
const entry = join(outDir, 'lake-on-s3-entry.ts');
await writeFile(
  entry,
  [
    `export * from '${join(ROOT, 'libs', 'parquet-io', 'src', 'index.ts')}';`,
    `export { Lakehouse } from '${join(ROOT, 'libs', 'lakehouse', 'src', 'lakehouse.ts')}';`,
    `export { LAKEHOUSE_EXTENSIONS } from '${join(ROOT, 'libs', 'lakehouse', 'src', 'sql-engine.ts')}';`,
    `export { silentLogger } from '${join(ROOT, 'libs', 'schema', 'src', 'index.ts')}';`,
    `export { someRawRows } from '${join(ROOT, 'libs', 'parquet-io', 'src', 'testing', 'raw-rows.ts')}';`,
  ].join('\n'),
);
const bundle = join(outDir, 'lake-on-s3.cjs');
await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: bundle, tsconfig: join(ROOT, 'tsconfig.base.json'), logLevel: 'error', external: ['@duckdb/*'] });
const m = createRequire(import.meta.url)(bundle);

const SPEC = {
  name: 'raw_copy',
  columns: [
    { name: 'record_key', sqlType: 'VARCHAR' },
    { name: 'record_version', sqlType: 'VARCHAR' },
    { name: 'event_time', sqlType: 'TIMESTAMPTZ' },
    { name: 'record', sqlType: 'VARCHAR' },
  ],
  eventTimeColumn: 'event_time',
  identity: { key: 'record_key', version: 'record_version' },
  latest: { entityKey: ['record_key'], versionColumn: 'record_version' },
};

const work = await mkdtemp(join(tmpdir(), 'fluxo-bench-s3-'));
const s3 = await startS3({ port: Number(args.port), dataDir: join(work, 's3') });
try {
  await createBucket(s3, 'bench');
  const extensionDirectory = join(ROOT, '.fluxo', 'duckdb-extensions');
  const open = () => m.ParquetEngine.open({ logger: m.silentLogger, threads: 2, memoryLimitMb: 1024, extensions: [...m.LAKEHOUSE_EXTENSIONS, 'httpfs'], extensionDirectory });
  const localEngine = await open();
  const s3Engine = await open();
  const lake = await m.Lake.open(join(work, 'lake'));
  const endpoint = new URL(s3.endpoint);
  const s3Lake = await m.S3Lake.open(s3Engine, { kind: 's3', root: 's3://bench/lake', bucket: 'bench', prefix: 'lake', endpoint: endpoint.host, useSsl: false, region: s3.region, urlStyle: 'path', accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, sessionToken: undefined });
  const localTables = await m.Lakehouse.attach({ engine: localEngine, catalog: { kind: 'sqlite', path: join(work, 'local.sqlite') }, dataPath: join(lake.root, 'curated'), logger: m.silentLogger });
  const s3Tables = await m.Lakehouse.attach({ engine: s3Engine, catalog: { kind: 'sqlite', path: join(work, 's3.sqlite') }, dataPath: s3Lake.curatedDataPath, logger: m.silentLogger });
  await localTables.ensureTable(SPEC);
  await s3Tables.ensureTable(SPEC);

  /** @type {Record<string, number[]>} */
  const timings = {};
  const time = async (name, step) => {
    const started = performance.now();
    const value = await step();
    (timings[name] ??= []).push(performance.now() - started);
    return value;
  };
  const curate = (engine, tables, path) =>
    tables.commit('bench', async (tx) => {
      await tx.run(`CREATE OR REPLACE TEMP TABLE batch AS SELECT record_key, record_version, event_time, record FROM ${m.sqlReadParquet(path)}`);
      return tables.appendDistinct(tx, SPEC, 'batch');
    });
  let bytes = 0;
  for (let i = 0; i < files; i++) {
    const rows = m.someRawRows(rowsPerFile, new Date(Date.UTC(2025, 4, 4, 0, 0, 0) + i * rowsPerFile * 1000));
    const fetchedAt = new Date(Date.UTC(2025, 4, 4, 12) + i);
    const stem = `bench-${String(i).padStart(4, '0')}`;
    const local = await time('local_write_ms', async () => {
      const staged = await m.writeRawFile(localEngine, lake, { source: 'bench', stem, fetchedAt, rows });
      await staged.commit();
      return staged;
    });
    const object = await time('s3_write_ms', () => m.writeRawObject(s3Engine, s3Lake, { source: 'bench', stem, fetchedAt, rows }));
    bytes = object.bytes;
    const localFile = await time('local_verify_ms', () => lake.verifyFile(local));
    const s3File = await time('s3_verify_ms', () => s3Lake.verifyFile(object));
    await time('local_curate_commit_ms', () => curate(localEngine, localTables, localFile.path));
    await time('s3_curate_commit_ms', () => curate(s3Engine, s3Tables, s3File.path));
    await time('local_read_table_ms', () => localEngine.all(`SELECT count(*) AS n, max(event_time) AS t FROM ${localTables.table('raw_copy')}`));
    await time('s3_read_table_ms', () => s3Engine.all(`SELECT count(*) AS n, max(event_time) AS t FROM ${s3Tables.table('raw_copy')}`));
  }
  const median = (values) => {
    const sorted = [...values].sort((a, b) => a - b);
    return Math.round(sorted[Math.floor(sorted.length / 2)] * 10) / 10;
  };
  console.log(
    JSON.stringify(
      { files, rows_per_file: rowsPerFile, raw_file_bytes: bytes, load_average_1m: Math.round(loadavg()[0] * 10) / 10, ...Object.fromEntries(Object.entries(timings).map(([name, values]) => [name, median(values)])) },
      null,
      2,
    ),
  );
  await localEngine.close();
  await s3Engine.close();
} finally {
  await s3.stop();
  await rm(work, { recursive: true, force: true });
}
