// @ts-check
/**
 * Workload 3 — end-to-end latency at a steady rate. The replay API streams Wikimedia recentchange
 * over SSE at `rate` events/s; the built stream-ingest (dist/apps/stream-ingest, env FLUXO_STREAMS,
 * FLUXO_SOURCE_BASE_URL) micro-batches it into raw files and references; the built normalizer
 * commits them to the `recentchange` table and announces each new data file.
 *
 * stream-ingest stamps every event with the moment it read it off the connection (the raw row's
 * `context` = `{"received_at": …}`, see apps/stream-ingest session/receipt-time.ts). Per event:
 * latency = Kafka timestamp of the curated reference announcing the commit that made its raw file
 * visible in the table − its `received_at`. The rows counted are the table's (DuckLake attached
 * READ_ONLY after the run), joined to their raw rows for the receipt time; p50/p95/p99/max over
 * every event received in the window (after a 5 s warm-up). `cut_to_reference_*` keeps the batch
 * cut (`_fetched_at`) → reference part alone.
 *
 * Kept up = the normalizer's lag on the raw-files topic stays bounded (its maximum over the last
 * third of the run is no higher than over the first two thirds plus 2 references, and it ends ≤ 2),
 * and the latency of the last 10 s is not more than 1 s above the first 10 s (no growing backlog).
 *
 * stream-ingest is configured for latency, not file size: a batch (raw file) is cut
 * `batchMaxAgeMs` after its first event (default here 500 ms; the app's own default, 60 s, is tuned
 * for few large files and would dominate any latency figure). The setting is in the result.
 *
 * Reports null with a note when stream-ingest is not built.
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createTopics, deleteTopics, groupLag, watchTopic } from '../lib/kafka.mjs';
import { DIST, RUNS_DIR } from '../lib/paths.mjs';
import { freePort, TrackedProcess } from '../lib/process.mjs';
import { median, percentile, round, summary } from '../lib/stats.mjs';

const WARMUP_MS = 5_000;
const DRAIN_GRACE_MS = 10_000;

/**
 * @param {import('./normalize.mjs').BenchContext} ctx
 * @param {{ rate: number, seconds: number, runs: number, streams: string, batchMaxAgeMs: number }} options
 */
export async function runE2eWorkload(ctx, options) {
  if (!existsSync(DIST.streamIngest)) {
    return {
      rate_per_s: options.rate,
      seconds: options.seconds,
      p50_ms: null,
      p95_ms: null,
      p99_ms: null,
      max_ms: null,
      kept_up: null,
      note: `not measured: apps/stream-ingest is not built yet (${DIST.streamIngest} missing; it is being written). Rerun after \`npx nx run-many -t build -p stream-ingest normalizer\`.`,
      stream_ingest_peak_rss_mb: null,
      normalizer_peak_rss_mb: null,
    };
  }
  /** @type {any[]} */
  const runs = [];
  for (let i = 0; i < options.runs; i++) runs.push(await runOnce(ctx, options, `${ctx.runId}-r${options.rate}-${i}`));
  const pick = (/** @type {string} */ key) => summary(runs.map((r) => r[key]));
  const keptUp = runs.every((r) => r.kept_up);
  return {
    rate_per_s: options.rate,
    seconds: options.seconds,
    batch_max_age_ms: options.batchMaxAgeMs,
    p50_ms: pick('p50_ms')?.median ?? null,
    p95_ms: pick('p95_ms')?.median ?? null,
    p99_ms: pick('p99_ms')?.median ?? null,
    max_ms: pick('max_ms')?.median ?? null,
    kept_up: keptUp,
    note: null,
    measured_at: new Date().toISOString(),
    stream_ingest_peak_rss_mb: Math.max(...runs.map((r) => r.stream_ingest_peak_rss_mb)),
    normalizer_peak_rss_mb: Math.max(...runs.map((r) => r.normalizer_peak_rss_mb)),
    detail: { p50_ms: pick('p50_ms'), p95_ms: pick('p95_ms'), p99_ms: pick('p99_ms'), max_ms: pick('max_ms'), events_per_s: pick('events_per_s'), runs },
  };
}

/**
 * @param {import('./normalize.mjs').BenchContext} ctx
 * @param {{ rate: number, seconds: number, streams: string, batchMaxAgeMs: number }} options
 * @param {string} id
 */
async function runOnce(ctx, options, id) {
  const dir = join(RUNS_DIR, `e2e-${id}`);
  await rm(dir, { recursive: true, force: true });
  const lakeDir = join(dir, 'lake');
  const prefix = `bench.e2e-${id}`;
  const topics = { raw: `${prefix}.raw-files`, curated: `${prefix}.curated-files`, deadLetter: `${prefix}.dead-letter` };
  const groupId = `${prefix}-normalizer`;
  await createTopics(ctx.kafka, Object.values(topics), 2);
  const watcher = await watchTopic(ctx.kafka, topics.curated);
  const catalogPath = join(dir, 'catalog', 'fluxo.sqlite');
  const common = {
    PATH: process.env['PATH'],
    FLUXO_KAFKA_BROKERS: ctx.brokers.join(','),
    FLUXO_LAKE_DIR: lakeDir,
    FLUXO_CATALOG: `sqlite:${catalogPath}`,
    FLUXO_DUCKDB_EXTENSION_DIR: ctx.extensionDir,
    FLUXO_TOPIC_RAW_FILES: topics.raw,
    FLUXO_TOPIC_CURATED_FILES: topics.curated,
    FLUXO_TOPIC_DEAD_LETTER: topics.deadLetter,
    FLUXO_TOPIC_PARTITIONS: '2',
    FLUXO_LOG_LEVEL: 'info',
  };
  const replay = new TrackedProcess('replay-api', process.execPath, [DIST.replayApi, '--port', '0', '--sse-rate', String(options.rate), '--heartbeat-ms', '1000', '--log-level', 'info']);
  /** @type {TrackedProcess[]} */
  const apps = [];
  const admin = ctx.kafka.admin();
  await admin.connect();
  try {
    const listening = await replay.waitForLine((l) => l.msg === 'listening' && typeof l.url === 'string', 60_000);
    const normalizer = new TrackedProcess('normalizer', process.execPath, [DIST.normalizer], { env: { ...common, FLUXO_NORMALIZER_GROUP: groupId, FLUXO_METRICS_PORT: await freePort() }, logFile: join(RUNS_DIR, `e2e-${id}-normalizer.log`) });
    apps.push(normalizer);
    await normalizer.waitForLine((l) => typeof l.msg === 'string' && l.msg.startsWith('normalizer running'), 60_000);
    const streamIngest = new TrackedProcess('stream-ingest', process.execPath, [DIST.streamIngest], {
      env: { ...common, FLUXO_STREAMS: options.streams, FLUXO_SOURCE_BASE_URL: String(listening.url), FLUXO_STATE_DIR: join(dir, 'state'), FLUXO_BATCH_MAX_AGE_MS: String(options.batchMaxAgeMs), FLUXO_STATS_INTERVAL_MS: '10000', FLUXO_METRICS_PORT: await freePort() },
      logFile: join(RUNS_DIR, `e2e-${id}-stream-ingest.log`),
    });
    apps.push(streamIngest);
    await streamIngest.waitForLine((l) => l.msg === 'announced raw file', 60_000);
    const windowStart = Date.now() + WARMUP_MS;
    const windowEnd = windowStart + options.seconds * 1000;
    /** @type {{ at: number, lag: number }[]} */
    const lags = [];
    while (Date.now() < windowEnd) {
      lags.push({ at: Date.now(), lag: await groupLag(admin, groupId, topics.raw).catch(() => NaN) });
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    await new Promise((resolve) => setTimeout(resolve, DRAIN_GRACE_MS));
    const finalLag = await groupLag(admin, groupId, topics.raw);
    await streamIngest.stop();
    await normalizer.stop();

    // per event: when its commit was announced (the raw file's first curated reference) − when stream-ingest received it
    /** @type {Map<string, number>} raw uri → Kafka timestamp of the first curated reference naming it */
    const visibleAt = new Map();
    for (const message of watcher.messages) {
      for (const input of message.value.inputs ?? []) visibleAt.set(input.uri, Math.min(visibleAt.get(input.uri) ?? Infinity, message.timestamp));
    }
    const rows = await receiptTimes(ctx, catalogPath, lakeDir);
    /** @type {{ received: number, latency: number, cutLatency: number }[]} */
    const events = [];
    let unannounced = 0;
    for (const row of rows) {
      if (row.received < windowStart || row.received >= windowEnd) continue;
      const at = visibleAt.get(row.uri);
      if (at === undefined) {
        unannounced += row.n;
        continue;
      }
      for (let i = 0; i < row.n; i++) events.push({ received: row.received, latency: at - row.received, cutLatency: at - row.fetched });
    }
    if (events.length === 0) throw new Error('no curated event fell in the measurement window');
    const sorted = events.map((e) => e.latency).sort((a, b) => a - b);
    const cutSorted = events.map((e) => e.cutLatency).sort((a, b) => a - b);
    const cuts = [...new Set(rows.map((r) => r.fetched))].sort((a, b) => a - b);
    const first = events.filter((e) => e.received < windowStart + 10_000).map((e) => e.latency);
    const last = events.filter((e) => e.received >= windowEnd - 10_000).map((e) => e.latency);
    const cut = windowStart + (options.seconds * 1000 * 2) / 3;
    const maxLag = (/** @type {typeof lags} */ list) => Math.max(0, ...list.map((l) => l.lag).filter(Number.isFinite));
    const lagBounded = maxLag(lags.filter((l) => l.at >= cut)) <= maxLag(lags.filter((l) => l.at < cut)) + 2 && finalLag <= 2;
    const latencyFlat = (median(last) ?? Infinity) <= (median(first) ?? 0) + 1000;
    return {
      events: events.length,
      events_per_s: round(events.length / options.seconds, 1),
      p50_ms: percentile(sorted, 50),
      p95_ms: percentile(sorted, 95),
      p99_ms: percentile(sorted, 99),
      max_ms: sorted.at(-1),
      cut_to_reference_p50_ms: percentile(cutSorted, 50),
      cut_to_reference_p99_ms: percentile(cutSorted, 99),
      events_in_table_not_announced: unannounced,
      batch_interval_median_ms: median(cuts.slice(1).map((cut, i) => cut - /** @type {number} */ (cuts[i]))),
      kept_up: lagBounded && latencyFlat,
      max_lag: maxLag(lags),
      final_lag: finalLag,
      first_10s_median_ms: median(first),
      last_10s_median_ms: median(last),
      curated_files: watcher.messages.length,
      stream_ingest_peak_rss_mb: streamIngest.peakRssMb,
      normalizer_peak_rss_mb: normalizer.peakRssMb,
    };
  } finally {
    for (const app of apps) await app.stop();
    await replay.stop();
    await admin.disconnect();
    await watcher.stop();
    await deleteTopics(ctx.kafka, Object.values(topics));
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Per raw file and receipt millisecond, the curated rows of `recentchange` (read through the
 * catalog) with their batch cut, joined to their raw rows' receipt time.
 * @param {import('./normalize.mjs').BenchContext} ctx @param {string} catalogPath @param {string} lakeDir
 * @returns {Promise<{ uri: string, received: number, fetched: number, n: number }[]>}
 */
async function receiptTimes(ctx, catalogPath, lakeDir) {
  const alias = `bench_e2e_${Math.random().toString(36).slice(2, 8)}`;
  const q = ctx.libs.sqlString;
  await ctx.engine.run(`ATTACH ${q(`ducklake:sqlite:${catalogPath}`)} AS ${alias} (READ_ONLY)`);
  try {
    const rows = await ctx.engine.all(
      `WITH raw AS (SELECT replace(filename, ${q(`${lakeDir}/`)}, '') AS uri, record_key, record_version, ` +
        `epoch_ms(CAST(json_extract_string(context, '$.received_at') AS TIMESTAMPTZ))::BIGINT AS received ` +
        `FROM read_parquet(${q(join(lakeDir, 'raw', '*', '*', '*.parquet'))}, filename = true, hive_partitioning = false)) ` +
        `SELECT c._raw_uri AS uri, raw.received, epoch_ms(c._fetched_at)::BIGINT AS fetched, count(*)::INTEGER AS n ` +
        `FROM ${alias}.main.recentchange c JOIN raw ON raw.uri = c._raw_uri AND raw.record_key = c._record_key AND raw.record_version = c._record_version ` +
        `GROUP BY ALL`,
    );
    return rows.map((/** @type {any} */ r) => ({ uri: String(r.uri), received: Number(r.received), fetched: Number(r.fetched), n: Number(r.n) }));
  } finally {
    await ctx.engine.run(`DETACH ${alias}`);
  }
}
