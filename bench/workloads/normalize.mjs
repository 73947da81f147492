// @ts-check
/**
 * Workload 1 — normalize. The same raw files (bench/data/raw-dataset.mjs) and, for every contender
 * that consumes Kafka, the same references on a fresh raw-files topic of the bench broker:
 *
 *  - fluxo:   the built normalizer (dist/apps/normalizer/main.cjs) as a process with its own topics,
 *             group, lake and table catalog (SQLite file in the run's dir); timed from spawn until the
 *             curated-files topic holds references for every input file (the last reference's Kafka
 *             timestamp). Its rows are counted through the table (DuckLake attached READ_ONLY).
 *  - ceiling: DuckDB alone, the same SELECT over all files in one COPY (ceiling-job.mjs).
 *  - naive:   bench/naive/naive-normalizer.mjs (parquetjs read → JS rows → parquetjs write, per reference).
 *  - spark:   bench/spark/normalize_job.py, PySpark Structured Streaming, local[2], Kafka source.
 *  - fluxo-spark: the same built normalizer with its Spark engine (FLUXO_ENGINE=spark): each raw file is
 *             mapped by one Spark job on the run's Spark Connect server (tools/local-spark, local[2],
 *             started once for the workload and not timed), commits stay the normalizer's DuckDB.
 *
 * Every contender's output is read back with DuckDB and must hold exactly the input row count.
 * Contenders are interleaved within each repetition so machine noise spreads over all of them.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DATASET, ensureRawDataset } from '../data/raw-dataset.mjs';
import { createTopics, deleteTopics, publish, watchTopic } from '../lib/kafka.mjs';
import { DIST, ROOT, RUNS_DIR } from '../lib/paths.mjs';
import { freePort, TrackedProcess } from '../lib/process.mjs';
import { startBenchSpark } from '../lib/spark-server.mjs';
import { median, round, summary } from '../lib/stats.mjs';
import { sparkAvailability, runSparkNormalize } from '../spark/spark.mjs';

const DRAIN_TIMEOUT_MS = 15 * 60_000;
/** The Spark engine runs one Spark job per raw file: 100 of them take far longer on a loaded 2-core machine. */
const SPARK_ENGINE_DRAIN_TIMEOUT_MS = 60 * 60_000;

/**
 * @typedef {import('../data/raw-dataset.mjs').RawDataset} RawDataset
 * @typedef {{ kafka: any, brokers: string[], libs: any, engine: any, log: (m: string) => void, runId: string, extensionDir: string, sparkServer?: import('../lib/spark-server.mjs').BenchSpark }} BenchContext
 * @typedef {{ ms: number, processingMs?: number, rows: number, peakRssMb: number, note?: string, profile?: any }} ContenderRun
 */

/**
 * @param {BenchContext} ctx
 * @param {{ rows: number, files: number, runs: number, contenders: string[], sparkRuns: number, sparkEngineRuns: number }} options
 */
export async function runNormalizeWorkload(ctx, options) {
  const data = await ensureRawDataset({ rows: options.rows, files: options.files, log: ctx.log });
  /** @type {Record<string, ContenderRun[]>} */
  const runs = { fluxo: [], ceiling: [], naive: [], spark: [], 'fluxo-spark': [] };
  /** @type {string | null} */
  let sparkNote = null;
  const spark = options.contenders.includes('spark') ? await sparkAvailability() : { ok: false, reason: 'skipped in this mode (--quick, or --skip-spark)' };
  if (!spark.ok) sparkNote = spark.reason;
  /** @type {string | null} */
  let sparkEngineNote = options.contenders.includes('fluxo-spark') ? null : 'skipped (--skip-spark, or not in --contenders)';
  /** @type {import('../lib/spark-server.mjs').BenchSpark | undefined} */
  let sparkServer;
  /** @type {number | null} */
  let sparkServerPeakRssMb = null;

  try {
    for (let i = 0; i < options.runs; i++) {
      for (const contender of options.contenders) {
        if (contender === 'spark' && (!spark.ok || i >= options.sparkRuns)) continue;
        if (contender === 'fluxo-spark') {
          if (sparkEngineNote !== null || i >= options.sparkEngineRuns) continue;
          if (sparkServer === undefined) {
            try {
              sparkServer = await startBenchSpark(ctx.log);
            } catch (error) {
              sparkEngineNote = `the Spark Connect server did not start: ${String(error instanceof Error ? error.message : error).slice(0, 800)}`;
              ctx.log(`  fluxo-spark skipped: ${sparkEngineNote}`);
              continue;
            }
          }
        }
        ctx.log(`normalize run ${i + 1}/${options.runs}: ${contender} (${data.rows.toLocaleString('en')} rows, ${data.files.length} files)`);
        try {
          const run = await CONTENDERS[contender]({ ...ctx, sparkServer }, data, `${ctx.runId}-${i}`);
          runs[contender].push(run);
          ctx.log(`  ${contender}: ${round(run.ms / 1000, 2)} s → ${Math.round(data.rows / (run.ms / 1000)).toLocaleString('en')} rows/s, peak RSS ${run.peakRssMb} MB`);
        } catch (error) {
          ctx.log(`  ${contender} FAILED: ${error instanceof Error ? error.message : String(error)}`);
          if (contender === 'spark') sparkNote = `the PySpark job failed on this machine: ${String(error instanceof Error ? error.message : error).slice(0, 800)}`;
          else if (contender === 'fluxo-spark') sparkEngineNote = `the normalizer's Spark engine failed: ${String(error instanceof Error ? error.message : error).slice(0, 800)}`;
          else throw error;
        }
      }
    }
  } finally {
    sparkServerPeakRssMb = sparkServer?.peakRssMb() ?? null; // read before the JVM is gone
    await sparkServer?.stop();
  }

  const rate = (/** @type {ContenderRun[]} */ list, /** @type {'ms' | 'processingMs'} */ key = 'ms') =>
    summary(list.map((r) => (r[key] === undefined ? null : data.rows / (/** @type {number} */ (r[key]) / 1000))).map((v) => (v === null ? null : Math.round(v))));
  const fluxo = rate(runs.fluxo);
  const ratio = (/** @type {any} */ s) => (s === null || fluxo === null ? null : round(/** @type {number} */ (s.median) / /** @type {number} */ (fluxo.median), 3));
  const ceiling = rate(runs.ceiling);
  const naive = rate(runs.naive);
  const sparkRate = rate(runs.spark);
  const sparkEngine = rate(runs['fluxo-spark']);
  return {
    rows: data.rows,
    files: data.files.length,
    raw_bytes: data.totalBytes,
    fluxo_rows_per_s: fluxo?.median ?? null,
    fluxo_files_per_s: runs.fluxo.length === 0 ? null : round(data.files.length / (/** @type {number} */ (median(runs.fluxo.map((r) => r.ms))) / 1000), 2),
    fluxo_peak_rss_mb: runs.fluxo.length === 0 ? null : Math.max(...runs.fluxo.map((r) => r.peakRssMb)),
    ceiling_rows_per_s: ceiling?.median ?? null,
    naive_rows_per_s: naive?.median ?? null,
    spark_rows_per_s: sparkRate?.median ?? null,
    spark_note: sparkNote,
    fluxo_spark_rows_per_s: sparkEngine?.median ?? null,
    fluxo_spark_note: sparkEngineNote,
    ratio_to_fluxo: { ceiling: ratio(ceiling), naive: ratio(naive), spark: ratio(sparkRate), fluxo_spark: ratio(sparkEngine) },
    detail: {
      fluxo: { rows_per_s: fluxo, processing_rows_per_s: rate(runs.fluxo, 'processingMs'), seconds: summary(runs.fluxo.map((r) => round(r.ms / 1000, 2))), peak_rss_mb: summary(runs.fluxo.map((r) => r.peakRssMb)), profile: runs.fluxo.at(-1)?.profile ?? null },
      ceiling: { rows_per_s: ceiling, seconds: summary(runs.ceiling.map((r) => round(r.ms / 1000, 2))), peak_rss_mb: summary(runs.ceiling.map((r) => r.peakRssMb)) },
      naive: { rows_per_s: naive, seconds: summary(runs.naive.map((r) => round(r.ms / 1000, 2))), peak_rss_mb: summary(runs.naive.map((r) => r.peakRssMb)) },
      spark: {
        rows_per_s: sparkRate,
        processing_rows_per_s: rate(runs.spark, 'processingMs'),
        seconds: summary(runs.spark.map((r) => round(r.ms / 1000, 2))),
        peak_rss_mb: summary(runs.spark.map((r) => r.peakRssMb)),
        note: sparkNote,
      },
      'fluxo-spark': {
        rows_per_s: sparkEngine,
        processing_rows_per_s: rate(runs['fluxo-spark'], 'processingMs'),
        seconds: summary(runs['fluxo-spark'].map((r) => round(r.ms / 1000, 2))),
        peak_rss_mb: summary(runs['fluxo-spark'].map((r) => r.peakRssMb)),
        spark_server_peak_rss_mb: sparkServerPeakRssMb,
        spark_server_ready_ms: sparkServer?.readyAfterMs ?? null,
        profile: runs['fluxo-spark'].at(-1)?.profile ?? null,
        note: sparkEngineNote,
      },
    },
  };
}

/** @type {Record<string, (ctx: BenchContext, data: RawDataset, id: string) => Promise<ContenderRun>>} */
const CONTENDERS = {
  fluxo: runFluxo,
  ceiling: runCeiling,
  naive: runNaive,
  spark: (ctx, data, id) => runSparkNormalize(ctx, data, id, { prepareLake, publishReferences, topicsFor, countCurated }),
  'fluxo-spark': (ctx, data, id) => runFluxo(ctx, data, id, 'spark'),
};

/** @param {string} id */
function topicsFor(id) {
  const prefix = `bench.${id}`;
  return { raw: `${prefix}.raw-files`, curated: `${prefix}.curated-files`, deadLetter: `${prefix}.dead-letter` };
}

/**
 * A fresh lake whose raw zone holds copies of the data set's files. Copies, not hard links: the
 * normalizer refuses a raw file with another name outside the lake (LINK_REFUSED, docs/security.md).
 * @param {RawDataset} data @param {string} dir @param {'zstd' | 'snappy'} [variant]
 */
async function prepareLake(data, dir, variant = 'zstd') {
  await rm(dir, { recursive: true, force: true });
  const lakeDir = join(dir, 'lake');
  for (const file of data.files) {
    const target = join(lakeDir, file.uri);
    await mkdir(dirname(target), { recursive: true });
    await copyFile(variant === 'zstd' ? file.path : file.snappyPath, target);
  }
  return lakeDir;
}

/**
 * One valid raw FileReference per file (validated by libs/schema before publishing).
 * @param {BenchContext} ctx @param {RawDataset} data @param {string} topic @param {'zstd' | 'snappy'} [variant]
 */
async function publishReferences(ctx, data, topic, variant = 'zstd') {
  const records = data.files.map((file) => {
    const facts = {
      uri: file.uri,
      sha256: variant === 'zstd' ? file.sha256 : file.snappySha256,
      bytes: variant === 'zstd' ? file.bytes : file.snappyBytes,
      rows: file.rows,
      schemaFingerprint: file.schemaFingerprint,
      minEventTime: file.minEventTime,
      maxEventTime: file.maxEventTime,
    };
    const reference = ctx.libs.rawFileReference(facts, { source: 'usgs-earthquakes', dataset: DATASET, producer: { app: 'bench', instance: `bench:${process.pid}`, version: '0.1.0' } });
    return { key: DATASET, eventId: reference.eventId, value: ctx.libs.serializeFileReference(reference) };
  });
  await publish(ctx.kafka, topic, records);
}

/** Curated rows under a directory, read back by DuckDB (0 when none). @param {BenchContext} ctx @param {string} dir */
async function countCurated(ctx, dir) {
  if (!existsSync(dir)) return 0;
  const [row] = await ctx.engine.all(`SELECT count(*)::BIGINT AS n FROM read_parquet(${ctx.libs.sqlString(join(dir, '**', '*.parquet'))}, hive_partitioning = false)`);
  return Number(row?.n ?? 0);
}

/**
 * Rows of a curated table, read through its catalog: DuckLake attached READ_ONLY (as the dashboard
 * attaches it), so only the current snapshot's files count — never a compaction's leftovers.
 * @param {BenchContext} ctx @param {string} catalogPath @param {string} table
 */
export async function countTable(ctx, catalogPath, table) {
  if (!existsSync(catalogPath)) return 0;
  const alias = `bench_${Math.random().toString(36).slice(2, 10)}`;
  await ctx.engine.run(`ATTACH ${ctx.libs.sqlString(`ducklake:sqlite:${catalogPath}`)} AS ${alias} (READ_ONLY)`);
  try {
    const [row] = await ctx.engine.all(`SELECT count(*)::BIGINT AS n FROM ${alias}.main."${table}"`);
    return Number(row?.n ?? 0);
  } finally {
    await ctx.engine.run(`DETACH ${alias}`);
  }
}

/** Commits the normalizer logged (`committed curated batch`): how it cut the backlog. @param {TrackedProcess} proc */
export function commitProfile(proc) {
  const commits = proc.linesWith('committed curated batch');
  const ms = commits.map((l) => Number(l.ms));
  return {
    commits: commits.length,
    raw_files_per_commit_median: median(commits.map((l) => Number(l.rawFiles))),
    commit_ms_median: median(ms),
    commit_ms_max: ms.length === 0 ? null : Math.max(...ms),
    stage_ms_per_file_median: median(commits.map((l) => Number(l.stageMs) / Number(l.rawFiles))),
    // where a commit's time goes: staging its raw files, the catalog transaction, and the rest (announcing, observers)
    stage_ms_median: median(commits.map((l) => Number(l.stageMs))),
    catalog_ms_median: median(commits.map((l) => Number(l.commitMs))),
    after_commit_ms_median: median(commits.map((l) => Number(l.ms) - Number(l.stageMs) - Number(l.commitMs))),
    commit_ms_total: ms.reduce((a, b) => a + b, 0),
  };
}

/**
 * Waits until curated references name every input file; returns the latest reference timestamp.
 * @param {{ messages: import('../lib/kafka.mjs').WatchedMessage[] }} watcher @param {number} files @param {TrackedProcess} proc
 */
async function waitForAllInputs(watcher, files, proc, timeoutMs = DRAIN_TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const inputs = new Set(watcher.messages.flatMap((m) => (m.value.inputs ?? []).map((/** @type {any} */ i) => i.uri)));
    if (inputs.size >= files) return Math.max(...watcher.messages.map((m) => m.timestamp));
    if (proc.child.exitCode !== null) throw new Error(`${proc.name} exited early (code ${proc.child.exitCode}):\n${proc.tail()}`);
    if (Date.now() > deadline) throw new Error(`${proc.name}: only ${inputs.size}/${files} inputs curated after ${timeoutMs} ms:\n${proc.tail()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The built normalizer; with `engine` spark its raw files are mapped on the run's Spark Connect server.
 * @param {BenchContext} ctx @param {RawDataset} data @param {string} id @param {'duckdb' | 'spark'} [engine] @returns {Promise<ContenderRun>}
 */
async function runFluxo(ctx, data, id, engine = 'duckdb') {
  if (!existsSync(DIST.normalizer)) throw new Error(`${DIST.normalizer} is missing: npx nx run-many -t build -p normalizer ingest`);
  if (engine === 'spark' && ctx.sparkServer === undefined) throw new Error('the Spark engine needs the run\'s Spark Connect server');
  const name = engine === 'duckdb' ? 'fluxo' : 'fluxo-spark';
  const dir = join(RUNS_DIR, `${name}-${id}`);
  const lakeDir = await prepareLake(data, dir);
  const topics = topicsFor(`${name}-${id}`);
  const catalogPath = join(dir, 'catalog', 'fluxo.sqlite');
  await createTopics(ctx.kafka, Object.values(topics), 2);
  await publishReferences(ctx, data, topics.raw);
  const watcher = await watchTopic(ctx.kafka, topics.curated);
  const proc = new TrackedProcess('normalizer', process.execPath, [DIST.normalizer], {
    env: {
      PATH: process.env['PATH'],
      FLUXO_KAFKA_BROKERS: ctx.brokers.join(','),
      FLUXO_LAKE_DIR: lakeDir,
      FLUXO_CATALOG: `sqlite:${catalogPath}`,
      FLUXO_DUCKDB_EXTENSION_DIR: ctx.extensionDir,
      FLUXO_TOPIC_RAW_FILES: topics.raw,
      FLUXO_TOPIC_CURATED_FILES: topics.curated,
      FLUXO_TOPIC_DEAD_LETTER: topics.deadLetter,
      FLUXO_TOPIC_PARTITIONS: '2',
      FLUXO_NORMALIZER_GROUP: `bench-${id}-${name}`,
      FLUXO_ENGINE_THREADS: '2',
      // the data set's fetch dates are 2025-05-04: a raw sweep judging them by the wall clock would delete the
      // backlog's not yet curated files once a drain outlasts one maintenance interval (5 min: the Spark engine, or load)
      FLUXO_RAW_RETENTION_DAYS: '0',
      ...(engine === 'spark' ? { FLUXO_ENGINE: 'spark', FLUXO_SPARK_REMOTE: ctx.sparkServer?.remote } : {}),
      FLUXO_LOG_LEVEL: 'info',
      FLUXO_METRICS_PORT: await freePort(),
    },
    logFile: join(dir, 'normalizer.log'),
  });
  try {
    const ready = await proc.waitForLine((l) => typeof l.msg === 'string' && l.msg.startsWith('normalizer running'), 60_000);
    const end = await waitForAllInputs(watcher, data.files.length, proc, engine === 'spark' ? SPARK_ENGINE_DRAIN_TIMEOUT_MS : DRAIN_TIMEOUT_MS);
    await proc.stop();
    const rows = await countTable(ctx, catalogPath, DATASET);
    if (rows !== data.rows) throw new Error(`${name} curated ${rows} rows, expected ${data.rows}`);
    return {
      ms: end - proc.startedAt,
      processingMs: end - Number(ready.time ?? ready.receivedAt),
      rows,
      peakRssMb: proc.peakRssMb,
      profile: { startup_ms: Number(ready.time ?? ready.receivedAt) - proc.startedAt, ...commitProfile(proc), curated_files: watcher.messages.length },
    };
  } finally {
    await proc.stop();
    await watcher.stop();
    await deleteTopics(ctx.kafka, Object.values(topics));
    await rm(dir, { recursive: true, force: true });
  }
}

/** @param {BenchContext} ctx @param {RawDataset} data @param {string} id @returns {Promise<ContenderRun>} */
async function runCeiling(ctx, data, id) {
  const dir = join(RUNS_DIR, `ceiling-${id}`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const outDir = join(dir, 'curated');
  const proc = new TrackedProcess('ceiling', process.execPath, [join(ROOT, 'bench', 'workloads', 'ceiling-job.mjs'), JSON.stringify({ files: data.files.map((f) => f.path), outDir, threads: 2 })]);
  try {
    const { code } = await proc.exited;
    const result = proc.lines.find((l) => typeof l.statementMs === 'number');
    if (code !== 0 || result === undefined) throw new Error(`ceiling job failed (code ${code}):\n${proc.tail()}`);
    const rows = await countCurated(ctx, outDir);
    if (rows !== data.rows) throw new Error(`ceiling wrote ${rows} rows, expected ${data.rows}`);
    return { ms: result.statementMs, rows, peakRssMb: proc.peakRssMb };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** @param {BenchContext} ctx @param {RawDataset} data @param {string} id @returns {Promise<ContenderRun>} */
async function runNaive(ctx, data, id) {
  const dir = join(RUNS_DIR, `naive-${id}`);
  const lakeDir = await prepareLake(data, dir, 'snappy');
  const topics = topicsFor(`naive-${id}`);
  await createTopics(ctx.kafka, Object.values(topics), 2);
  await publishReferences(ctx, data, topics.raw, 'snappy');
  const watcher = await watchTopic(ctx.kafka, topics.curated);
  const proc = new TrackedProcess('naive', process.execPath, [join(ROOT, 'bench', 'naive', 'naive-normalizer.mjs')], {
    env: {
      PATH: process.env['PATH'],
      BENCH_BROKERS: ctx.brokers.join(','),
      BENCH_LAKE_DIR: lakeDir,
      BENCH_TOPIC_RAW: topics.raw,
      BENCH_TOPIC_CURATED: topics.curated,
      BENCH_GROUP: `bench-${id}-naive`,
    },
    logFile: join(RUNS_DIR, `naive-${id}.log`),
  });
  try {
    const end = await waitForAllInputs(watcher, data.files.length, proc);
    await proc.stop();
    const rows = await countCurated(ctx, join(lakeDir, 'curated'));
    if (rows !== data.rows) throw new Error(`naive curated ${rows} rows, expected ${data.rows}`);
    return { ms: end - proc.startedAt, rows, peakRssMb: proc.peakRssMb };
  } finally {
    await proc.stop();
    await watcher.stop();
    await deleteTopics(ctx.kafka, Object.values(topics));
    await rm(dir, { recursive: true, force: true });
  }
}
