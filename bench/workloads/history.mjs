// @ts-check
/**
 * Workload 6 — history. Does the normalizer's cost follow the last minutes of work, not its whole
 * history? 30 simulated days of the default cadence — USGS all_hour polled every 60 s, Open-Meteo
 * every 15 min, Wikimedia recentchange cut into 60 s batches — each poll or batch one commit, with
 * table maintenance every 5 simulated minutes; measured at day 1, 10 and 30.
 *
 * Fast path (you cannot wait 30 days, and ~90k commits through Kafka and the app take hours):
 *  1. history-sim.mjs, one process per segment (0→1, 1→10, 10→30 days), drives the normalizer's own
 *     commit path in-process (BatchHandler + CuratedAnnouncer + ConsumerProgress + ConsumedRawFiles
 *     on a real DuckDB/DuckLake/SQLite catalog and lake; Kafka replaced by recording ports) and the
 *     normalizer's maintenance round on the simulated schedule. Raw files are written with fluxo's
 *     writeRawFile; rows come from bench/data/history-model.mjs.
 *  2. The references it committed are put on a real raw-files topic (same partitions and offsets),
 *     the group's Kafka offsets are set to the progress committed in the catalog (what the real
 *     normalizer would have committed), and one new raw reference (the next USGS poll) is published.
 *  3. The REAL built normalizer (dist/apps/normalizer/main.cjs) starts on that catalog and lake:
 *     cold start = spawn → "normalizer running"; first commit = spawn → "committed curated batch" of
 *     the new reference; then one maintenance round (FLUXO_MAINTENANCE_INTERVAL_MS=1000); peak RSS
 *     over all of it (VmHWM of the process tree). Then it is stopped.
 *  4. Before it starts, history-queries.mjs attaches the catalog read-only as the dashboard does and
 *     times the dashboard's queries, counts curated files per dataset and partition, and sizes the
 *     catalog (the state the simulation left, not touched by the measurement).
 *
 * Faithful in the full run: the number of polls, batches, commits and maintenance rounds (89,280
 * commits, 8,640 rounds), snapshot retention and file-deletion grace in simulated time, raw-zone
 * retention on simulated dates. Rows of recentchange are scaled (`recentchangeRate`, 5/s instead
 * of 50/s) and the compaction target with them (64 MB × 5/50 → 6 MB). `--quick` stretches every
 * interval (polls, batches, maintenance) by `cadenceScale` = 120 so that 30 simulated days take a
 * few minutes: 1/120 of the commits. See bench/README.md, "Reading history".
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DAY_MS } from '../data/history-model.mjs';
import { createTopics, deleteTopics, publishToPartitions } from '../lib/kafka.mjs';
import { DIST, ROOT, RUNS_DIR } from '../lib/paths.mjs';
import { freePort, TrackedProcess } from '../lib/process.mjs';
import { round } from '../lib/stats.mjs';

export const HISTORY_POINTS = [1, 10, 30];
const LAST_DAY = 30;
const SIM_TIMEOUT_MS = 12 * 3600_000;
const DEFAULT_TARGET_MB = 64;
const DEFAULT_RECENTCHANGE_RATE = 50;

/**
 * @param {import('./normalize.mjs').BenchContext & { extensionDir: string }} ctx
 * @param {{ cadenceScale: number, recentchangeRate: number, repeat: number, keep?: boolean, onPoint?: (point: any) => Promise<void> }} options
 */
export async function runHistoryWorkload(ctx, options) {
  if (!existsSync(DIST.normalizer)) throw new Error(`${DIST.normalizer} is missing: npx nx run-many -t build -p normalizer`);
  const id = ctx.runId;
  const dir = join(RUNS_DIR, `history-${id}`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const lakeDir = join(dir, 'lake');
  const catalogPath = join(dir, 'catalog', 'fluxo.sqlite');
  const prefix = `bench.history-${id}`;
  const topics = { raw: `${prefix}.raw-files`, curated: `${prefix}.curated-files`, deadLetter: `${prefix}.dead-letter` };
  const group = `${prefix}-normalizer`;
  const targetFileMb = Math.max(1, Math.round((DEFAULT_TARGET_MB * options.recentchangeRate) / DEFAULT_RECENTCHANGE_RATE));
  // day 30 ends at today's UTC midnight: simulated event times are in the past, as the dashboard expects
  const startMs = Math.floor(Date.now() / DAY_MS) * DAY_MS - LAST_DAY * DAY_MS;
  // the run keeps the normalizer it started with, whatever is rebuilt meanwhile
  const normalizerMain = join(dir, 'normalizer', 'main.cjs');
  await mkdir(join(dir, 'normalizer'), { recursive: true });
  await copyFile(DIST.normalizer, normalizerMain);
  await createTopics(ctx.kafka, Object.values(topics), 3);
  const admin = ctx.kafka.admin();
  await admin.connect();
  /** @type {Record<string, any>} */
  const points = {};
  try {
    for (const day of HISTORY_POINTS) {
      ctx.log(`history: simulating up to day ${day} (cadence ×${options.cadenceScale}, recentchange ${options.recentchangeRate} events/s, compaction target ${targetFileMb} MB)`);
      const refsPath = join(dir, `refs-to-day-${day}.ndjson`);
      const sim = await simulate(ctx, {
        lakeDir,
        catalogPath,
        extensionDir: ctx.extensionDir,
        startMs,
        toDay: day,
        cadenceScale: options.cadenceScale,
        recentchangeRate: options.recentchangeRate,
        targetFileMb,
        topic: topics.raw,
        group,
        refsPath,
        statePath: join(dir, 'sim-state.json'),
        pending: true,
      });
      await publishCommitted(ctx, admin, topics.raw, group, refsPath, sim.summary);
      ctx.log(`history day ${day}: ${sim.summary.commits} commits and ${sim.summary.maintenanceRounds} maintenance rounds in ${round(sim.summary.wallMs / 1000, 1)} s; measuring`);
      const queries = await measureQueries(ctx, { catalogPath, dataPath: join(lakeDir, 'curated'), repeat: options.repeat });
      const normalizer = await measureNormalizer(ctx, { main: normalizerMain, dir, day, lakeDir, catalogPath, topics, group, targetFileMb });
      const point = pointOf(day, sim, queries, normalizer);
      points[`day_${day}`] = point;
      ctx.log(
        `history day ${day}: cold start ${point.cold_start_s} s, first commit ${point.first_commit_s} s, peak RSS ${point.normalizer_peak_rss_mb} MB, ` +
          `dashboard p95 ${point.dashboard_query_p95_ms} ms, files ${JSON.stringify(point.curated_files)}, catalog ${Math.round(point.catalog_bytes / 1024)} KiB`,
      );
      await options.onPoint?.({ ...points });
    }
  } finally {
    await admin.disconnect();
    await deleteTopics(ctx.kafka, Object.values(topics));
    if (!options.keep) await rm(dir, { recursive: true, force: true });
  }
  return {
    cadence_scale: options.cadenceScale,
    recentchange_events_per_s: options.recentchangeRate,
    compaction_target_mb: targetFileMb,
    simulated_start: new Date(startMs).toISOString(),
    ...points,
  };
}

/**
 * @param {any} ctx @param {Record<string, any>} simOptions
 * @returns {Promise<{ summary: any, peakRssMb: number, days: any[] }>}
 */
async function simulate(ctx, simOptions) {
  const proc = new TrackedProcess('history-sim', process.execPath, [join(ROOT, 'bench', 'workloads', 'history-sim.mjs'), JSON.stringify(simOptions)], {
    logFile: join(simOptions.lakeDir, '..', `sim-to-day-${simOptions.toDay}.log`),
  });
  const killer = setTimeout(() => void proc.stop(5000), SIM_TIMEOUT_MS);
  /** @type {any[]} */
  const days = [];
  const reporter = setInterval(() => {
    const last = proc.lines.filter((l) => l.progress !== undefined).at(-1)?.progress;
    if (last !== undefined && days.at(-1) !== last) {
      days.push(last);
      ctx.log(`  simulated day ${last.day}: ${last.commits} commits, commit p50 ${last.commit_ms.p50} ms / p95 ${last.commit_ms.p95} ms, maintenance p50 ${last.maintenance_ms.p50} ms, sim RSS ${last.rss_mb} MB`);
    }
  }, 5000);
  try {
    const { code } = await proc.exited;
    const summary = proc.lines.find((l) => l.summary !== undefined)?.summary;
    if (code !== 0 || summary === undefined) throw new Error(`history simulation failed (code ${code}):\n${proc.tail(30)}`);
    return { summary, peakRssMb: proc.peakRssMb, days: summary.days };
  } finally {
    clearTimeout(killer);
    clearInterval(reporter);
  }
}

/**
 * Puts the segment's committed references on the raw-files topic at the offsets the catalog
 * recorded, moves the group's Kafka offsets to the catalog's progress, then publishes the pending
 * reference the real normalizer will commit.
 * @param {any} ctx @param {any} admin @param {string} topic @param {string} group @param {string} refsPath @param {any} summary
 */
async function publishCommitted(ctx, admin, topic, group, refsPath, summary) {
  const lines = existsSync(refsPath) ? (await readFile(refsPath, 'utf8')).split('\n').filter((l) => l !== '') : [];
  const records = lines.map((line) => JSON.parse(line));
  const before = new Map((await admin.fetchTopicOffsets(topic)).map((/** @type {any} */ p) => [p.partition, Number(p.high)]));
  for (const r of records) {
    const expected = before.get(r.partition) ?? 0;
    if (Number(r.offset) !== expected) throw new Error(`history: reference for partition ${r.partition} was committed at offset ${r.offset}, but the topic is at ${expected}`);
    before.set(r.partition, expected + 1);
  }
  await publishToPartitions(ctx.kafka, topic, records);
  await rename(refsPath, `${refsPath}.published`);
  const ends = await admin.fetchTopicOffsets(topic);
  for (const p of ends) {
    const committed = Number(summary.offsets[p.partition] ?? 0) - (summary.pending?.partition === p.partition ? 1 : 0);
    if (Number(p.high) !== committed) throw new Error(`history: partition ${p.partition} holds ${p.high} references, the catalog committed ${committed}`);
  }
  await admin.setOffsets({ groupId: group, topic, partitions: ends.map((/** @type {any} */ p) => ({ partition: p.partition, offset: String(p.high) })) });
  if (summary.pending) await publishToPartitions(ctx.kafka, topic, [summary.pending]);
}

/** @param {any} ctx @param {{ catalogPath: string, dataPath: string, repeat: number }} options */
async function measureQueries(ctx, options) {
  const proc = new TrackedProcess('history-queries', process.execPath, [
    join(ROOT, 'bench', 'workloads', 'history-queries.mjs'),
    JSON.stringify({ ...options, extensionDir: ctx.extensionDir }),
  ]);
  const { code } = await proc.exited;
  const result = proc.lines.find((l) => l.dashboard !== undefined);
  if (code !== 0 || result === undefined) throw new Error(`history queries failed (code ${code}):\n${proc.tail(20)}`);
  return { ...result, peakRssMb: proc.peakRssMb };
}

/**
 * @param {any} ctx
 * @param {{ main: string, dir: string, day: number, lakeDir: string, catalogPath: string, topics: { raw: string, curated: string, deadLetter: string }, group: string, targetFileMb: number }} options
 */
async function measureNormalizer(ctx, options) {
  const proc = new TrackedProcess('normalizer', process.execPath, [options.main], {
    env: {
      PATH: process.env['PATH'],
      FLUXO_KAFKA_BROKERS: ctx.brokers.join(','),
      FLUXO_LAKE_DIR: options.lakeDir,
      FLUXO_CATALOG: `sqlite:${options.catalogPath}`,
      FLUXO_DUCKDB_EXTENSION_DIR: resolve(ctx.extensionDir),
      FLUXO_TOPIC_RAW_FILES: options.topics.raw,
      FLUXO_TOPIC_CURATED_FILES: options.topics.curated,
      FLUXO_TOPIC_DEAD_LETTER: options.topics.deadLetter,
      FLUXO_TOPIC_PARTITIONS: '3',
      FLUXO_NORMALIZER_GROUP: options.group,
      FLUXO_LOG_LEVEL: 'info',
      FLUXO_METRICS_PORT: await freePort(),
      // one maintenance round right after start, with the simulation's compaction target
      FLUXO_MAINTENANCE_INTERVAL_MS: '1000',
      FLUXO_COMPACT_TARGET_FILE_MB: String(options.targetFileMb),
      // its raw sweep would judge simulated dates by the wall clock; the simulation sweeps them on its own schedule
      FLUXO_RAW_RETENTION_DAYS: '0',
    },
    logFile: join(options.dir, `normalizer-day-${options.day}.log`),
  });
  try {
    /** @param {any} line */
    const since = (line) => round((Number(line.time ?? line.receivedAt) - proc.startedAt) / 1000, 2);
    const running = await proc.waitForLine((l) => typeof l.msg === 'string' && l.msg.startsWith('normalizer running'), 120_000);
    const committed = await proc.waitForLine((l) => l.msg === 'committed curated batch', 120_000);
    const maintained = await proc.waitForLine((l) => l.msg === 'table maintenance done' || l.msg === 'maintenance failed; the next round retries', 600_000);
    const attached = proc.lines.find((l) => l.msg === 'lakehouse catalog attached');
    await proc.stop();
    if (maintained.msg !== 'table maintenance done') throw new Error(`the normalizer's maintenance round failed: ${JSON.stringify(maintained).slice(0, 600)}`);
    return {
      cold_start_s: since(running),
      catalog_attached_s: attached === undefined ? null : since(attached),
      first_commit_s: since(committed),
      first_commit_ms_in_handler: Number(committed.ms),
      maintenance_round_ms: Number(maintained.durationMs),
      maintenance_files_before_after: [maintained.filesBefore, maintained.filesAfter],
      peak_rss_mb: proc.peakRssMb,
    };
  } finally {
    await proc.stop();
  }
}

/** @param {number} day @param {any} sim @param {any} queries @param {any} normalizer */
function pointOf(day, sim, queries, normalizer) {
  const datasets = ['earthquakes', 'weather_hourly', 'recentchange'];
  const lastDay = sim.days.at(-1) ?? null;
  return {
    cold_start_s: normalizer.cold_start_s,
    normalizer_peak_rss_mb: normalizer.peak_rss_mb,
    dashboard_query_p95_ms: queries.dashboard.p95_ms,
    curated_files: Object.fromEntries(datasets.map((d) => [d, queries.files[d]?.files ?? 0])),
    first_commit_s: normalizer.first_commit_s,
    catalog_attached_s: normalizer.catalog_attached_s,
    first_commit_ms_in_handler: normalizer.first_commit_ms_in_handler,
    maintenance_round_ms: normalizer.maintenance_round_ms,
    max_files_per_partition: Object.fromEntries(datasets.map((d) => [d, queries.files[d]?.max_files_per_partition ?? 0])),
    catalog_bytes: queries.catalog_bytes,
    catalog_rows: queries.catalog_rows,
    files: queries.files,
    dashboard: queries.dashboard,
    whole_table_queries: queries.whole_table,
    reader_attach_ms: queries.attach_ms,
    reader_peak_rss_mb: queries.peakRssMb,
    simulation: {
      commits: sim.summary.commits,
      maintenance_rounds: sim.summary.maintenanceRounds,
      rows: sim.summary.rows,
      wall_s: round(sim.summary.wallMs / 1000, 1),
      commit_ms_mean: round(sim.summary.handleMs / Math.max(1, sim.summary.commits), 1),
      raw_write_ms_mean: round(sim.summary.writeMs / Math.max(1, sim.summary.commits), 1),
      maintenance_ms_mean: round(sim.summary.maintenanceMs / Math.max(1, sim.summary.maintenanceRounds), 1),
      last_day: lastDay,
      peak_rss_mb: sim.peakRssMb,
      per_day: sim.days.map((/** @type {any} */ d) => ({ day: d.day, commits: d.commits, commit_p50_ms: d.commit_ms.p50, commit_p95_ms: d.commit_ms.p95, maintenance_p50_ms: d.maintenance_ms.p50 })),
      top_statements: sim.summary.statements.slice(0, 12),
    },
  };
}
