// @ts-check
/**
 * The history workload's reader, run as its own process at each measurement point: attaches the
 * catalog READ_ONLY exactly as the dashboard does (Lakehouse.attach, readOnly, DuckDB with the
 * lakehouse extensions, the dashboard's engine defaults) and
 *
 *  1. times representative dashboard queries against the tables (apps/web/app/lib/server/views are
 *     being ported to the tables while this is written, so these are their shapes, not their code):
 *     the catalog listing every page does, the newest event per dataset (column statistics), the
 *     latest rows of a dataset, counts over the last 24 h, the `<dataset>_latest` views, and a
 *     per-minute histogram of the last hour — each window ending at the newest event, as the
 *     dashboard does (literal bounds, so DuckLake can prune partitions). Each query runs `repeat`
 *     times (the first run is kept: a dashboard request after a quiet period pays it too);
 *  2. times, separately, the queries of today's dashboard code that read a whole table (not in the
 *     p95 target: they grow with history by construction, and are listed so that it shows);
 *  3. counts curated data files per dataset and per day partition, and the catalog's size.
 *
 *   node bench/workloads/history-queries.mjs '{"catalogPath":…,"dataPath":…,"extensionDir":…,"repeat":10}'
 *   → one JSON line
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { loadFluxoLibs } from '../lib/build.mjs';
import { percentile, round } from '../lib/stats.mjs';

const { catalogPath, dataPath, extensionDir, repeat } = JSON.parse(process.argv[2] ?? '{}');
const libs = await loadFluxoLibs();
const webDefaults = { threads: 2, memoryLimitMb: 512 }; // libs/schema web-config defaults (FLUXO_ENGINE_THREADS, FLUXO_ENGINE_MEMORY_LIMIT_MB)
const opened = performance.now();
const engine = await libs.ParquetEngine.open({ logger: libs.silentLogger, ...webDefaults, extensions: libs.LAKEHOUSE_EXTENSIONS, extensionDirectory: extensionDir });
const lakehouse = await libs.Lakehouse.attach({ engine, catalog: { kind: 'sqlite', path: catalogPath }, dataPath, logger: libs.silentLogger, readOnly: true });
const attachMs = performance.now() - opened;
const t = (/** @type {string} */ name) => lakehouse.table(name);
const meta = lakehouse.metadata;
const ts = (/** @type {string} */ iso) => `TIMESTAMPTZ ${libs.sqlString(iso)}`;

/** @param {string} sql */
const one = async (sql) => (await engine.all(sql))[0] ?? {};
const newest = {
  earthquakes: String((await one(`SELECT max(event_time)::VARCHAR AS v FROM ${t('earthquakes')}`)).v),
  recentchange: String((await one(`SELECT max(event_time)::VARCHAR AS v FROM ${t('recentchange')}`)).v),
  weather: String((await one(`SELECT max(valid_time)::VARCHAR AS v FROM ${t('weather_hourly')}`)).v),
};

/** @type {Record<string, string>} */
const representative = {
  catalog_listing:
    `WITH f AS (SELECT table_id, count(*) AS files, sum(file_size_bytes) AS bytes, sum(record_count) AS records, max(data_file_id) AS last_file FROM ${meta}.ducklake_data_file WHERE end_snapshot IS NULL GROUP BY 1), ` +
    `d AS (SELECT table_id, count(*) AS delete_files, sum(delete_count) AS deleted FROM ${meta}.ducklake_delete_file WHERE end_snapshot IS NULL GROUP BY 1) ` +
    `SELECT t.table_name, f.files, f.bytes, f.records - coalesce(d.deleted, 0) AS rows, f.last_file FROM ${meta}.ducklake_table t LEFT JOIN f USING (table_id) LEFT JOIN d USING (table_id) WHERE t.end_snapshot IS NULL`,
  newest_recentchange: `SELECT max(event_time) FROM ${t('recentchange')}`,
  newest_earthquakes: `SELECT max(event_time), min(event_time) FROM ${t('earthquakes')}`,
  earthquakes_latest_24h:
    `SELECT event_id, magnitude, place, event_time, updated_at FROM ${t('earthquakes')} WHERE event_time >= ${ts(newest.earthquakes)} - INTERVAL 1 DAY ` +
    `QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY updated_at DESC, _fetched_at DESC) = 1 ORDER BY event_time DESC LIMIT 25`,
  earthquakes_count_24h: `SELECT count(*) FROM ${t('earthquakes')} WHERE event_time > ${ts(newest.earthquakes)} - INTERVAL 24 HOUR`,
  earthquakes_latest_view: `SELECT event_id, magnitude, place, event_time FROM ${t('earthquakes_latest')} ORDER BY event_time DESC LIMIT 25`,
  weather_latest_view_240h:
    `SELECT latitude, longitude, valid_time, temperature_c FROM ${t('weather_hourly_latest')} WHERE valid_time > ${ts(newest.weather)} - INTERVAL 240 HOUR ORDER BY valid_time`,
  recentchange_count_24h: `SELECT count(*) FROM ${t('recentchange')} WHERE event_time > ${ts(newest.recentchange)} - INTERVAL 24 HOUR`,
  recentchange_latest_rows: `SELECT event_id, wiki, title, "user", event_time FROM ${t('recentchange')} WHERE event_time > ${ts(newest.recentchange)} - INTERVAL 1 HOUR ORDER BY event_time DESC LIMIT 25`,
  recentchange_per_minute_1h:
    `WITH r AS (SELECT * FROM ${t('recentchange')} WHERE event_time > ${ts(newest.recentchange)} - INTERVAL 60 MINUTE), ` +
    `top AS (SELECT wiki FROM r GROUP BY wiki ORDER BY count(*) DESC, wiki LIMIT 6) ` +
    `SELECT date_trunc('minute', event_time) AS at, CASE WHEN wiki IN (SELECT wiki FROM top) THEN wiki ELSE 'other' END AS w, count(*) FROM r GROUP BY 1, 2 ORDER BY 1, 2`,
};
/** @type {Record<string, string>} */
const wholeTable = {
  weather_summary_all_history: `SELECT count(DISTINCT (latitude, longitude)), count(DISTINCT valid_time), count(*), min(temperature_c), max(temperature_c), max(_fetched_at) FROM ${t('weather_hourly')}`,
  recentchange_count_all_history: `SELECT count(*) FROM ${t('recentchange')}`,
};

/** @param {Record<string, string>} queries */
async function time(queries) {
  /** @type {Record<string, number[]>} */
  const samples = {};
  for (let i = 0; i < repeat; i++) {
    for (const [name, sql] of Object.entries(queries)) {
      const started = performance.now();
      await engine.all(sql);
      (samples[name] ??= []).push(performance.now() - started);
    }
  }
  const all = Object.values(samples).flat().sort((a, b) => a - b);
  /** @type {Record<string, any>} */
  const perQuery = {};
  for (const [name, values] of Object.entries(samples)) {
    const sorted = [...values].sort((a, b) => a - b);
    perQuery[name] = { p50_ms: round(percentile(sorted, 50) ?? 0, 1), p95_ms: round(percentile(sorted, 95) ?? 0, 1), max_ms: round(sorted.at(-1) ?? 0, 1), first_ms: round(values[0] ?? 0, 1) };
  }
  return { p95_ms: round(percentile(all, 95) ?? 0, 1), p50_ms: round(percentile(all, 50) ?? 0, 1), samples: all.length, queries: perQuery };
}

const dashboard = await time(representative);
const whole = await time(wholeTable);

/** @type {Record<string, any>} */
const files = {};
for (const table of ['earthquakes', 'weather_hourly', 'recentchange', 'stream_gaps']) {
  /** @type {{ path: string, bytes: number, rows: number, deleteFile?: string | null }[]} */
  const list = await lakehouse.dataFiles(table).catch(() => []);
  /** @type {Map<string, number>} */
  const perPartition = new Map();
  for (const file of list) {
    const partition = /year=\d+\/month=\d+\/day=\d+/.exec(file.path)?.[0] ?? 'unpartitioned';
    perPartition.set(partition, (perPartition.get(partition) ?? 0) + 1);
  }
  const counts = [...perPartition.values()].sort((a, b) => a - b);
  files[table] = {
    files: list.length,
    bytes: list.reduce((sum, f) => sum + f.bytes, 0),
    rows: list.reduce((sum, f) => sum + f.rows, 0),
    partitions: perPartition.size,
    max_files_per_partition: counts.at(-1) ?? 0,
    median_files_per_partition: percentile(counts, 50) ?? 0,
    with_delete_files: list.filter((f) => f.deleteFile !== null && f.deleteFile !== undefined).length,
  };
}
/** @param {string} sql */
const count = async (sql) => Number((await one(sql)).n ?? 0);
const catalogRows = {
  snapshots: await count(`SELECT count(*) AS n FROM ${meta}.ducklake_snapshot`),
  data_files_all: await count(`SELECT count(*) AS n FROM ${meta}.ducklake_data_file`),
  data_files_live: await count(`SELECT count(*) AS n FROM ${meta}.ducklake_data_file WHERE end_snapshot IS NULL`),
  delete_files_all: await count(`SELECT count(*) AS n FROM ${meta}.ducklake_delete_file`),
  file_column_stats: await count(`SELECT count(*) AS n FROM ${meta}.ducklake_file_column_stats`),
  files_scheduled_for_deletion: await count(`SELECT count(*) AS n FROM ${meta}.ducklake_files_scheduled_for_deletion`),
  consumed_raw_files: await count(`SELECT count(*) AS n FROM ${lakehouse.table('consumed_raw_files', 'fluxo_meta')}`).catch(() => null),
};
const catalogBytes = readdirSync(dirname(catalogPath))
  .filter((name) => name.startsWith(basename(catalogPath)))
  .reduce((sum, name) => sum + statSync(join(dirname(catalogPath), name)).size, 0);
await lakehouse.close();
await engine.close();
console.log(JSON.stringify({ attach_ms: round(attachMs, 1), newest, dashboard, whole_table: whole, files, catalog_bytes: catalogBytes, catalog_rows: catalogRows, rss_mb: Math.round(process.memoryUsage().rss / 2 ** 20) }));
