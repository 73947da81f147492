// @ts-check
/**
 * Workload 4 — startup. `npm start` (node tools/scripts/start.mjs: local Kafka, replay API, ingest,
 * normalizer through `nx run-many -t serve`), dependencies and jars already installed and the apps
 * built (Nx cache), timed from the command's spawn to the first data file of a curated table in the lake.
 *
 * `npm start` uses the developer ports (Kafka 9092/9093, replay 8787) and the default broker data dir
 * (.fluxo/kafka/data). To leave a developer's data alone it gets its own lake, table catalog, state dir,
 * topics and group through the env settings start.mjs passes on; the topics are deleted before stopping. If
 * those ports are taken (a dev stack is running), the workload reports null and says so.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { basename, join } from 'node:path';
import { benchKafka, deleteTopics } from '../lib/kafka.mjs';
import { ROOT, RUNS_DIR } from '../lib/paths.mjs';
import { round, summary } from '../lib/stats.mjs';

// the broker, the replay API, and the apps' metrics endpoints (libs/schema DEFAULT_METRICS_PORTS)
const PORTS = [9092, 9093, 8787, 9481, 9482, 9483, 9484];
const TIMEOUT_MS = 180_000;

/** @param {number} port */
function portTaken(port) {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/**
 * Whether a curated table has a data file yet: `curated/main/<dataset>/year=…/month=…/day=…/*.parquet`
 * (DuckLake writes it just before the commit that makes it visible).
 * @param {string} dir
 */
function firstCurated(dir) {
  const root = join(dir, 'curated', 'main');
  if (!existsSync(root)) return false;
  return readdirSync(root, { recursive: true, encoding: 'utf8' }).some((name) => name.endsWith('.parquet') && !basename(name).startsWith('.'));
}

/**
 * @param {import('./normalize.mjs').BenchContext} ctx
 * @param {{ runs: number }} options
 */
export async function runStartupWorkload(ctx, options) {
  /** @type {number[]} */
  const seconds = [];
  const note = [];
  for (let i = 0; i < options.runs; i++) {
    const taken = [];
    for (const port of PORTS) if (await portTaken(port)) taken.push(port);
    if (taken.length > 0) {
      return { first_curated_s: null, note: `not measured: port(s) ${taken.join(', ')} in use (a developer stack is running); npm start needs them` };
    }
    const freshBroker = !existsSync(join(ROOT, '.fluxo', 'kafka', 'data', 'cluster.id'));
    const id = `${ctx.runId}-${i}`;
    const dir = join(RUNS_DIR, `startup-${id}`);
    const lakeDir = join(dir, 'lake');
    const topics = [`bench.startup-${id}.raw-files`, `bench.startup-${id}.curated-files`, `bench.startup-${id}.dead-letter`];
    const started = Date.now();
    const child = spawn(process.execPath, [join(ROOT, 'tools', 'scripts', 'start.mjs')], {
      cwd: ROOT,
      env: {
        ...process.env,
        FLUXO_LAKE_DIR: lakeDir,
        FLUXO_CATALOG: `sqlite:${join(dir, 'catalog', 'fluxo.sqlite')}`,
        FLUXO_STATE_DIR: join(dir, 'state'),
        FLUXO_TOPIC_RAW_FILES: topics[0],
        FLUXO_TOPIC_CURATED_FILES: topics[1],
        FLUXO_TOPIC_DEAD_LETTER: topics[2],
        FLUXO_NORMALIZER_GROUP: `bench.startup-${id}-normalizer`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout?.on('data', (c) => (output = (output + c.toString()).slice(-4000)));
    child.stderr?.on('data', (c) => (output = (output + c.toString()).slice(-4000)));
    try {
      while (!firstCurated(lakeDir)) {
        if (child.exitCode !== null) throw new Error(`npm start exited (code ${child.exitCode}) before a curated file appeared:\n${output}`);
        if (Date.now() - started > TIMEOUT_MS) throw new Error(`no curated file ${TIMEOUT_MS / 1000} s after npm start:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const s = round((Date.now() - started) / 1000, 2);
      seconds.push(s);
      note.push(freshBroker ? 'first start of the broker data dir (storage format included)' : 'existing broker data dir');
      ctx.log(`startup run ${i + 1}/${options.runs}: first curated file after ${s} s`);
    } finally {
      await deleteTopics(benchKafka(['127.0.0.1:9092']), topics).catch(() => undefined);
      await stopGroup(child);
      await rm(dir, { recursive: true, force: true });
    }
  }
  const s = summary(seconds);
  return { first_curated_s: s?.median ?? null, note: [...new Set(note)].join('; ') || null, detail: { seconds: s } };
}

/** SIGINT to the whole process group of `npm start` (what Ctrl-C does), SIGKILL after 40 s. @param {import('node:child_process').ChildProcess} child */
async function stopGroup(child) {
  if (child.pid === undefined || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    process.kill(-child.pid, 'SIGINT');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // gone
    }
  }, 40_000);
  await exited;
  clearTimeout(timer);
  // the broker JVM stops on SIGINT; wait until its port is free so the next run starts cleanly
  for (let i = 0; i < 100 && (await portTaken(9092)); i++) await new Promise((resolve) => setTimeout(resolve, 200));
}
