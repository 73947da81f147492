// @ts-check
/**
 * Workload 6 — scale (issue 12 part 5): the same backlog drained by 1, 2 and 3 normalizers in one
 * consumer group, committing through one PostgreSQL catalog (tools/local-postgres, started for the
 * workload; a fresh database per run).
 *
 * References are keyed by dataset, so one dataset is one partition: the normalize workload's raw
 * files are dealt round-robin to six copies of the USGS source (`quakes-N` → dataset `quakes_N`,
 * names chosen so that kafkajs's partitioner puts one dataset on each of the six partitions), with
 * definitions in a folder (FLUXO_DEFINITIONS_DIR). The N normalizers start on empty topics and are
 * all in the group before the references are published; timed from the publish to the last curated
 * reference naming every input file. Rows are counted through the catalog and must equal the input.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { ensureRawDataset } from '../data/raw-dataset.mjs';
import { createTopics, deleteTopics, publish, watchTopic } from '../lib/kafka.mjs';
import { DIST, ROOT, RUNS_DIR } from '../lib/paths.mjs';
import { freePort, TrackedProcess } from '../lib/process.mjs';
import { median, round, summary } from '../lib/stats.mjs';
import { startPostgres } from '../../tools/local-postgres/postgres.mjs';

const run = promisify(execFile);
const DRAIN_TIMEOUT_MS = 15 * 60_000;
/** One dataset per partition of a 6-partition topic (kafkajs DefaultPartitioner, murmur2 of the key). */
const DATASETS = ['quakes_14', 'quakes_2', 'quakes_3', 'quakes_4', 'quakes_9', 'quakes_1'];
const sourceOf = (/** @type {string} */ dataset) => dataset.replace('_', '-');

/**
 * @param {import('./normalize.mjs').BenchContext} ctx
 * @param {{ rows: number, files: number, runs: number, instances: number[] }} options
 */
export async function runScaleWorkload(ctx, options) {
  const data = await ensureRawDataset({ rows: options.rows, files: options.files, log: ctx.log });
  const home = join(RUNS_DIR, `scale-${ctx.runId}`);
  await rm(home, { recursive: true, force: true });
  await mkdir(home, { recursive: true });
  const definitionsDir = join(home, 'definitions');
  await writeDefinitions(definitionsDir);
  const postgres = await startPostgres({ port: Number(await freePort()), dataDir: await mkdtemp(join(home, 'pg-')), log: () => undefined });
  /** @type {Record<string, { ms: number, peakRssMb: number, commits: number }[]>} */
  const runs = {};
  try {
    for (let i = 0; i < options.runs; i++) {
      // 1, 2, 3 then 3, 2, 1: a load that rises or falls during the workload (other work on the machine) favours neither end.
      for (const n of i % 2 === 0 ? options.instances : [...options.instances].reverse()) {
        ctx.log(`scale run ${i + 1}/${options.runs}: ${n} normalizer(s), ${data.rows.toLocaleString('en')} rows in ${data.files.length} files over ${DATASETS.length} partitions`);
        const result = await drain(ctx, data, { n, id: `${ctx.runId}-${i}-${n}`, home, definitionsDir, postgres });
        (runs[n] ??= []).push(result);
        ctx.log(`  ${n}: ${round(result.ms / 1000, 2)} s → ${Math.round(data.rows / (result.ms / 1000)).toLocaleString('en')} rows/s, ${result.commits} commits, peak RSS per process ${result.peakRssMb} MB`);
      }
    }
  } finally {
    await postgres.stop();
    await rm(home, { recursive: true, force: true });
  }
  const rate = (/** @type {number} */ n) => summary((runs[n] ?? []).map((r) => Math.round(data.rows / (r.ms / 1000))));
  const one = rate(1)?.median ?? null;
  return {
    rows: data.rows,
    files: data.files.length,
    partitions: DATASETS.length,
    catalog: `PostgreSQL ${postgres.version}`,
    instances: Object.fromEntries(
      options.instances.map((n) => {
        const r = rate(n);
        return [n, { rows_per_s: r === null ? null : Math.round(/** @type {number} */ (r.median)), speedup: r === null || one === null ? null : round(/** @type {number} */ (r.median) / one, 2), detail: r, peak_rss_mb: Math.max(0, ...(runs[n] ?? []).map((x) => x.peakRssMb)), commits: median((runs[n] ?? []).map((x) => x.commits)) }];
      }),
    ),
  };
}

/**
 * @param {import('./normalize.mjs').BenchContext} ctx
 * @param {import('../data/raw-dataset.mjs').RawDataset} data
 * @param {{ n: number, id: string, home: string, definitionsDir: string, postgres: any }} options
 */
async function drain(ctx, data, { n, id, home, definitionsDir, postgres }) {
  const dir = join(home, id);
  const lakeDir = join(dir, 'lake');
  const files = data.files.map((file, i) => {
    const dataset = /** @type {string} */ (DATASETS[i % DATASETS.length]);
    return { ...file, dataset, uri: file.uri.replace(/^raw\/usgs-earthquakes\//, `raw/${sourceOf(dataset)}/`) };
  });
  for (const file of files) {
    await mkdir(dirname(join(lakeDir, file.uri)), { recursive: true });
    await copyFile(file.path, join(lakeDir, file.uri));
  }
  const database = `bench_${id.replace(/[^a-z0-9]/gi, '_').toLowerCase()}`;
  const pgArgs = ['-h', postgres.host, '-p', String(postgres.port), '-U', postgres.user];
  await run('createdb', [...pgArgs, database]);
  const connection = `dbname=${database} host=${postgres.host} port=${postgres.port} user=${postgres.user}`;
  const prefix = `bench.scale-${id}`;
  const topics = { raw: `${prefix}.raw-files`, curated: `${prefix}.curated-files`, deadLetter: `${prefix}.dead-letter` };
  await createTopics(ctx.kafka, Object.values(topics), DATASETS.length);
  const watcher = await watchTopic(ctx.kafka, topics.curated);
  /** @type {TrackedProcess[]} */
  const procs = [];
  try {
    for (let i = 0; i < n; i++) {
      const proc = new TrackedProcess(`normalizer-${i + 1}`, process.execPath, [DIST.normalizer], {
        env: {
          PATH: process.env['PATH'],
          FLUXO_KAFKA_BROKERS: ctx.brokers.join(','),
          FLUXO_LAKE_DIR: lakeDir,
          FLUXO_CATALOG: `postgres:${connection}`,
          FLUXO_DEFINITIONS_DIR: definitionsDir,
          FLUXO_DUCKDB_EXTENSION_DIR: ctx.extensionDir,
          FLUXO_TOPIC_RAW_FILES: topics.raw,
          FLUXO_TOPIC_CURATED_FILES: topics.curated,
          FLUXO_TOPIC_DEAD_LETTER: topics.deadLetter,
          FLUXO_TOPIC_PARTITIONS: String(DATASETS.length),
          FLUXO_NORMALIZER_GROUP: `bench-${id}-normalizer`,
          FLUXO_ENGINE_THREADS: '2',
          FLUXO_LOG_LEVEL: 'info',
          FLUXO_METRICS_PORT: await freePort(),
        },
        logFile: join(RUNS_DIR, `scale-${id}-normalizer-${i + 1}.log`),
      });
      procs.push(proc);
      // The first creates the catalog's tables; the others attach to them.
      await proc.waitForLine((l) => typeof l.msg === 'string' && l.msg.startsWith('normalizer running'), 120_000);
    }
    // Every member has joined with the final assignment: the last join names n members' worth of partitions.
    await Promise.all(procs.map((p) => p.waitForLine((l) => l.msg === 'joined the consumer group' && Array.isArray(l.partitions) && l.partitions.length <= Math.ceil(DATASETS.length / n), 120_000)));
    const publishedAt = Date.now();
    await publish(
      ctx.kafka,
      topics.raw,
      files.map((file) => {
        const reference = ctx.libs.rawFileReference(
          { uri: file.uri, sha256: file.sha256, bytes: file.bytes, rows: file.rows, schemaFingerprint: file.schemaFingerprint, minEventTime: file.minEventTime, maxEventTime: file.maxEventTime },
          { source: sourceOf(file.dataset), dataset: file.dataset, producer: { app: 'bench', instance: `bench:${process.pid}`, version: '0.1.0' } },
        );
        return { key: file.dataset, eventId: reference.eventId, value: ctx.libs.serializeFileReference(reference) };
      }),
    );
    const end = await waitForAllInputs(watcher, files.length, procs);
    for (const proc of procs) await proc.stop();
    const rows = await countRows(ctx, connection);
    if (rows !== data.rows) throw new Error(`${n} normalizers curated ${rows} rows, expected ${data.rows}`);
    return { ms: end - publishedAt, peakRssMb: Math.max(...procs.map((p) => p.peakRssMb)), commits: procs.reduce((total, p) => total + p.linesWith('committed curated batch').length, 0) };
  } finally {
    for (const proc of procs) await proc.stop();
    await watcher.stop();
    await deleteTopics(ctx.kafka, Object.values(topics));
    await run('dropdb', [...pgArgs, '--force', '--if-exists', database]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}

/** @param {{ messages: import('../lib/kafka.mjs').WatchedMessage[] }} watcher @param {number} files @param {TrackedProcess[]} procs */
async function waitForAllInputs(watcher, files, procs) {
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  for (;;) {
    const inputs = new Set(watcher.messages.flatMap((m) => (m.value.inputs ?? []).map((/** @type {any} */ i) => i.uri)));
    if (inputs.size >= files) return Math.max(...watcher.messages.map((m) => m.timestamp));
    const dead = procs.find((p) => p.child.exitCode !== null);
    if (dead !== undefined) throw new Error(`${dead.name} exited early (code ${dead.child.exitCode}):\n${dead.tail()}`);
    if (Date.now() > deadline) throw new Error(`only ${inputs.size}/${files} inputs curated after ${DRAIN_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Rows of the six tables, through the catalog (DuckLake on PostgreSQL attached READ_ONLY). @param {import('./normalize.mjs').BenchContext} ctx @param {string} connection */
async function countRows(ctx, connection) {
  const alias = `bench_${Math.random().toString(36).slice(2, 10)}`;
  await ctx.engine.run(`ATTACH ${ctx.libs.sqlString(`ducklake:postgres:${connection}`)} AS ${alias} (READ_ONLY)`);
  try {
    let total = 0;
    for (const dataset of DATASETS) {
      const [row] = await ctx.engine.all(`SELECT count(*)::BIGINT AS n FROM ${alias}.main."${dataset}"`);
      total += Number(row?.n ?? 0);
    }
    return total;
  } finally {
    await ctx.engine.run(`DETACH ${alias}`);
  }
}

/** A source and a dataset definition per dataset, copied from the built-in USGS ones under new names. @param {string} dir */
async function writeDefinitions(dir) {
  const builtin = join(ROOT, 'libs', 'schema', 'definitions');
  const source = JSON.parse(await readFile(join(builtin, 'sources', 'usgs-earthquakes.json'), 'utf8'));
  const dataset = JSON.parse(await readFile(join(builtin, 'datasets', 'earthquakes.json'), 'utf8'));
  await mkdir(join(dir, 'sources'), { recursive: true });
  await mkdir(join(dir, 'datasets'), { recursive: true });
  for (const name of DATASETS) {
    await writeFile(join(dir, 'sources', `${sourceOf(name)}.json`), JSON.stringify({ ...source, name: sourceOf(name), dataset: name }));
    await writeFile(join(dir, 'datasets', `${name}.json`), JSON.stringify({ ...dataset, name }));
  }
}
