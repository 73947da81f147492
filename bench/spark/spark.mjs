// @ts-check
/**
 * The PySpark contender of the normalize workload: installs it if needed (setup.mjs), publishes the
 * same references on a fresh topic, runs normalize_job.py as a process (Python driver + its JVM,
 * peak RSS summed over both) and checks the curated row count.
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createTopics, deleteTopics } from '../lib/kafka.mjs';
import { ROOT, RUNS_DIR } from '../lib/paths.mjs';
import { TrackedProcess } from '../lib/process.mjs';
import { ensureSpark } from './setup.mjs';

const JOB_TIMEOUT_MS = 15 * 60_000;

/** @type {{ python: string, jars: string[] } | undefined} */
let installed;

/** @returns {Promise<{ ok: true } | { ok: false, reason: string }>} */
export async function sparkAvailability() {
  try {
    installed = ensureSpark((m) => console.log(`[bench] ${m}`));
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: `PySpark could not be installed on this machine: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/**
 * @param {import('../workloads/normalize.mjs').BenchContext} ctx
 * @param {import('../data/raw-dataset.mjs').RawDataset} data
 * @param {string} id
 * @param {{ prepareLake: Function, publishReferences: Function, topicsFor: Function, countCurated: Function }} helpers
 * @returns {Promise<import('../workloads/normalize.mjs').ContenderRun>}
 */
export async function runSparkNormalize(ctx, data, id, helpers) {
  if (installed === undefined) throw new Error('sparkAvailability() was not called');
  const dir = join(RUNS_DIR, `spark-${id}`);
  const lakeDir = await helpers.prepareLake(data, dir);
  const topics = helpers.topicsFor(`spark-${id}`);
  await createTopics(ctx.kafka, [topics.raw], 2);
  await helpers.publishReferences(ctx, data, topics.raw);
  const outDir = join(lakeDir, 'curated', 'earthquakes');
  const proc = new TrackedProcess(
    'spark',
    installed.python,
    [
      join(ROOT, 'bench', 'spark', 'normalize_job.py'),
      ...['--brokers', ctx.brokers.join(','), '--topic', topics.raw, '--lake', lakeDir, '--out', outDir],
      ...['--checkpoint', join(dir, 'checkpoint'), '--jars', installed.jars.join(',')],
    ],
    { env: { ...process.env, PYSPARK_PYTHON: installed.python, SPARK_LOCAL_IP: '127.0.0.1' }, logFile: join(RUNS_DIR, `spark-${id}.log`), sampleMs: 250 },
  );
  const killer = setTimeout(() => void proc.stop(5000), JOB_TIMEOUT_MS);
  try {
    const { code } = await proc.exited;
    const done = proc.lines.find((l) => l.event === 'done');
    const ready = proc.lines.find((l) => l.event === 'session-ready');
    if (code !== 0 || done === undefined || ready === undefined) {
      const failed = proc.lines.find((l) => l.event === 'failed');
      throw new Error(`exit code ${code}: ${failed?.error ?? proc.tail(8)}`);
    }
    const rows = existsSync(outDir) ? await helpers.countCurated(ctx, outDir) : 0;
    if (rows !== data.rows) throw new Error(`spark curated ${rows} rows, expected ${data.rows}`);
    return { ms: done.t - proc.startedAt, processingMs: done.t - ready.t, rows, peakRssMb: proc.peakRssMb, profile: { startup_ms: ready.t - proc.startedAt } };
  } finally {
    clearTimeout(killer);
    await proc.stop(5000);
    await deleteTopics(ctx.kafka, [topics.raw]);
    await rm(dir, { recursive: true, force: true });
  }
}
