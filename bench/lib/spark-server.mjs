// @ts-check
/**
 * The Spark Connect server of a bench run, for the normalizer's Spark engine (contender
 * `fluxo-spark` of workload 1): tools/local-spark's server (the venv's pyspark 4.1, `local[2]`) on
 * its own port and a fresh data directory, so it never touches a developer's server (15002).
 */
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { startSpark } from '../../tools/local-spark/server.mjs';
import { BENCH_HOME } from './paths.mjs';

/** FLUXO_BENCH_SPARK_PORT moves the server (own data dir), so a run can go on beside another. */
const BENCH_SPARK_PORT = Number(process.env['FLUXO_BENCH_SPARK_PORT'] ?? 29502);

/**
 * @typedef {object} BenchSpark
 * @property {string} remote          the `sc://…;token=…` address for FLUXO_SPARK_REMOTE
 * @property {number} readyAfterMs    launch → first answered `SELECT 1`
 * @property {() => number} peakRssMb VmHWM of the server JVM so far (MB)
 * @property {() => Promise<unknown>} stop
 */

/** @param {(m: string) => void} log @returns {Promise<BenchSpark>} */
export async function startBenchSpark(log) {
  const dataDir = join(BENCH_HOME, `spark-${BENCH_SPARK_PORT}`);
  await rm(dataDir, { recursive: true, force: true });
  const spark = await startSpark({ port: BENCH_SPARK_PORT, dataDir, master: 'local[2]', log });
  log(`spark connect ready on 127.0.0.1:${BENCH_SPARK_PORT} after ${spark.readyAfterMs} ms (pid ${spark.pid}, local[2], data ${dataDir})`);
  const peakRssMb = () => {
    try {
      return Math.round(Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${spark.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);
    } catch {
      return 0; // the server is gone
    }
  };
  return { remote: spark.remote, readyAfterMs: spark.readyAfterMs, peakRssMb, stop: spark.stop };
}
