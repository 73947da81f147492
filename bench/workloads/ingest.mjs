// @ts-check
/**
 * Workload 2 — ingest. One large API response: an `all_day` USGS feed of `features` generated
 * features (bench/data/earthquake-model.mjs), served by the replay API (the built
 * dist/tools/replay-api, `--fixtures-dir` pointing at a generated recording), polled once by the
 * built ingest app (dist/apps/ingest) into a raw Parquet file plus a reference on Kafka.
 *
 * Timed from the ingest's "ingest running" log line (the poll starts right after it) to the Kafka
 * timestamp of the raw reference: fetch + parse + extraction + raw write + fsync/hash + announce.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { earthquakeGenerator } from '../data/earthquake-model.mjs';
import { createTopics, deleteTopics, watchTopic } from '../lib/kafka.mjs';
import { DATA_DIR, DIST, ROOT, RUNS_DIR } from '../lib/paths.mjs';
import { freePort, TrackedProcess } from '../lib/process.mjs';
import { round, summary } from '../lib/stats.mjs';

const GENERATED_AT = Date.parse('2025-05-04T12:00:00Z');

/** A replay fixtures dir whose only USGS recording is one big all_day poll. @param {number} features */
async function ensureFixtures(features, log = (/** @type {string} */ _m) => undefined) {
  const dir = join(DATA_DIR, `replay-usgs-${features}`);
  const feed = join(dir, 'usgs', 'bench', 'all_day_20250504T120000Z.geojson');
  if (existsSync(feed)) return dir;
  log(`generating one all_day response with ${features.toLocaleString('en')} features under ${dir} (once)`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(join(dir, 'usgs', 'bench'), { recursive: true });
  for (const other of ['open-meteo', 'wikimedia']) await symlink(join(ROOT, 'tools', 'replay-api', 'fixtures', other), join(dir, other));
  const next = earthquakeGenerator({ seed: 4242, idPrefix: 'i' });
  const list = [];
  for (let i = 0; i < features; i++) list.push(next(GENERATED_AT - Math.floor(((i + 0.5) / features) * 86_400_000)));
  const body = {
    type: 'FeatureCollection',
    metadata: { generated: GENERATED_AT, url: 'https://earthquake.usgs.gov/earthquakes/feed/v1.0/summary/all_day.geojson', title: 'USGS All Earthquakes, Past Day', status: 200, api: '1.14.1', count: features },
    features: list,
    bbox: [-180, -90, -10, 180, 90, 700],
  };
  await writeFile(feed, JSON.stringify(body));
  return dir;
}

/**
 * @param {import('./normalize.mjs').BenchContext} ctx
 * @param {{ features: number, runs: number }} options
 */
export async function runIngestWorkload(ctx, options) {
  for (const file of [DIST.ingest, DIST.replayApi]) if (!existsSync(file)) throw new Error(`${file} is missing: npx nx run-many -t build -p ingest replay-api`);
  const fixtures = await ensureFixtures(options.features, ctx.log);
  /** @type {{ ms: number, rows: number, peakRssMb: number }[]} */
  const runs = [];
  for (let i = 0; i < options.runs; i++) {
    const id = `${ctx.runId}-${i}`;
    const dir = join(RUNS_DIR, `ingest-${id}`);
    await rm(dir, { recursive: true, force: true });
    const topics = { raw: `bench.ingest-${id}.raw-files`, deadLetter: `bench.ingest-${id}.dead-letter` };
    await createTopics(ctx.kafka, Object.values(topics), 2);
    const watcher = await watchTopic(ctx.kafka, topics.raw);
    const replay = new TrackedProcess('replay-api', process.execPath, [DIST.replayApi, '--port', '0', '--fixtures-dir', fixtures, '--log-level', 'info']);
    /** @type {TrackedProcess | undefined} */
    let ingest;
    try {
      const listening = await replay.waitForLine((l) => l.msg === 'listening' && typeof l.url === 'string', 60_000);
      ingest = new TrackedProcess('ingest', process.execPath, [DIST.ingest], {
        env: {
          PATH: process.env['PATH'],
          FLUXO_KAFKA_BROKERS: ctx.brokers.join(','),
          FLUXO_LAKE_DIR: join(dir, 'lake'),
          FLUXO_STATE_DIR: join(dir, 'state'),
          FLUXO_SOURCE_BASE_URL: String(listening.url),
          FLUXO_SOURCES: 'usgs-earthquakes?feed=all_day&intervalMs=3600000',
          FLUXO_TOPIC_RAW_FILES: topics.raw,
          FLUXO_TOPIC_DEAD_LETTER: topics.deadLetter,
          FLUXO_TOPIC_PARTITIONS: '2',
          FLUXO_HTTP_TIMEOUT_MS: '120000',
          FLUXO_HTTP_MAX_RESPONSE_BYTES: String(1024 * 1024 * 1024),
          FLUXO_LOG_LEVEL: 'info',
          FLUXO_METRICS_PORT: await freePort(),
        },
        logFile: join(RUNS_DIR, `ingest-${id}.log`),
      });
      const running = await ingest.waitForLine((l) => typeof l.msg === 'string' && l.msg.startsWith('ingest running'), 60_000);
      await ingest.waitForLine((l) => l.msg === 'announced raw file', 300_000);
      while (watcher.messages.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      const reference = /** @type {import('../lib/kafka.mjs').WatchedMessage} */ (watcher.messages[0]);
      if (reference.value.rows !== options.features) throw new Error(`raw file holds ${reference.value.rows} rows, expected ${options.features}`);
      await ingest.stop();
      const run = { ms: reference.timestamp - Number(running.time ?? running.receivedAt), rows: reference.value.rows, peakRssMb: ingest.peakRssMb };
      runs.push(run);
      ctx.log(`ingest run ${i + 1}/${options.runs}: ${round(run.ms / 1000, 2)} s to reference → ${Math.round(run.rows / (run.ms / 1000)).toLocaleString('en')} rows/s, peak RSS ${run.peakRssMb} MB`);
    } finally {
      await ingest?.stop();
      await replay.stop();
      await watcher.stop();
      await deleteTopics(ctx.kafka, Object.values(topics));
      await rm(dir, { recursive: true, force: true });
    }
  }
  const rate = summary(runs.map((r) => Math.round(r.rows / (r.ms / 1000))));
  return {
    features: options.features,
    rows_per_s: rate?.median ?? null,
    time_to_reference_s: summary(runs.map((r) => round(r.ms / 1000, 2)))?.median ?? null,
    detail: { rows_per_s: rate, time_to_reference_s: summary(runs.map((r) => round(r.ms / 1000, 2))), peak_rss_mb: summary(runs.map((r) => r.peakRssMb)) },
  };
}
