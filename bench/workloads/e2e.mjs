// @ts-check
/**
 * Workload 3 — end-to-end latency at a steady rate. The replay API streams Wikimedia recentchange
 * over SSE at `rate` events/s; the built stream-ingest (dist/apps/stream-ingest, env FLUXO_STREAMS,
 * FLUXO_SOURCE_BASE_URL) micro-batches it into raw files and references; the built normalizer
 * curates them. For `seconds` (after a 5 s warm-up) every curated reference on Kafka is read back:
 * stream-ingest stamps every row of a raw file with the moment the batch was cut (`_fetched_at` =
 * flush start), not with each event's receipt. A batch holds the events received between the previous
 * cut and its own, so per event: latency = the curated reference's Kafka timestamp − the PREVIOUS
 * batch's `_fetched_at` — an upper bound of receipt-to-reference (every event waited at most that
 * long; on average about half a batch age less). p50/p95/p99/max of that bound over all events of
 * the window; the flush-to-reference part alone is kept as `flush_to_reference_*` in the detail.
 *
 * Kept up = the normalizer's lag on the raw-files topic stays bounded (its maximum over the last
 * third of the run is no higher than over the first two thirds plus 2 references, and it ends ≤ 2),
 * and the latency of the last 10 s is not more than 1 s above the first 10 s (no growing backlog).
 *
 * stream-ingest is configured for latency, not file size: a batch (raw file) is cut
 * `batchMaxAgeMs` after its first event (default here 500 ms; the app's own default, 60 s, is tuned
 * for few large files and would dominate any latency figure). The setting is in the result.
 *
 * Reports null with a note when stream-ingest is not built (it is being written as this lands).
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createTopics, deleteTopics, groupLag, watchTopic } from '../lib/kafka.mjs';
import { DIST, RUNS_DIR } from '../lib/paths.mjs';
import { TrackedProcess } from '../lib/process.mjs';
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
  for (let i = 0; i < options.runs; i++) runs.push(await runOnce(ctx, options, `${ctx.runId}-${i}`));
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
  const common = {
    PATH: process.env['PATH'],
    FLUXO_KAFKA_BROKERS: ctx.brokers.join(','),
    FLUXO_LAKE_DIR: lakeDir,
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
    const normalizer = new TrackedProcess('normalizer', process.execPath, [DIST.normalizer], { env: { ...common, FLUXO_NORMALIZER_GROUP: groupId }, logFile: join(RUNS_DIR, `e2e-${id}-normalizer.log`) });
    apps.push(normalizer);
    await normalizer.waitForLine((l) => typeof l.msg === 'string' && l.msg.startsWith('normalizer running'), 60_000);
    const streamIngest = new TrackedProcess('stream-ingest', process.execPath, [DIST.streamIngest], {
      env: { ...common, FLUXO_STREAMS: options.streams, FLUXO_SOURCE_BASE_URL: String(listening.url), FLUXO_STATE_DIR: join(dir, 'state'), FLUXO_BATCH_MAX_AGE_MS: String(options.batchMaxAgeMs), FLUXO_STATS_INTERVAL_MS: '10000' },
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

    // per-event latency: curated reference timestamp − _fetched_at of each row it carries
    /** @type {{ referencedAt: number, fetched: number, n: number }[]} */
    const groups = [];
    for (const message of watcher.messages) {
      const path = join(lakeDir, message.value.uri);
      const rows = await ctx.engine.all(`SELECT epoch_ms(_fetched_at)::BIGINT AS f, count(*)::INTEGER AS n FROM read_parquet(${ctx.libs.sqlString(path)}, hive_partitioning = false) GROUP BY 1`);
      for (const row of rows) groups.push({ referencedAt: message.timestamp, fetched: Number(row.f), n: Number(row.n) });
    }
    const cuts = [...new Set(groups.map((g) => g.fetched))].sort((a, b) => a - b);
    const previousCut = new Map(cuts.map((cut, i) => [cut, i === 0 ? cut : /** @type {number} */ (cuts[i - 1])]));
    /** @type {{ fetched: number, latency: number, flushLatency: number }[]} */
    const events = [];
    for (const g of groups) {
      if (g.fetched < windowStart || g.fetched >= windowEnd) continue;
      const since = /** @type {number} */ (previousCut.get(g.fetched));
      for (let i = 0; i < g.n; i++) events.push({ fetched: g.fetched, latency: g.referencedAt - since, flushLatency: g.referencedAt - g.fetched });
    }
    if (events.length === 0) throw new Error('no curated event fell in the measurement window');
    const sorted = events.map((e) => e.latency).sort((a, b) => a - b);
    const flushSorted = events.map((e) => e.flushLatency).sort((a, b) => a - b);
    const first = events.filter((e) => e.fetched < windowStart + 10_000).map((e) => e.latency);
    const last = events.filter((e) => e.fetched >= windowEnd - 10_000).map((e) => e.latency);
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
      flush_to_reference_p50_ms: percentile(flushSorted, 50),
      flush_to_reference_p99_ms: percentile(flushSorted, 99),
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
