// @ts-check
/** The server JVM as an OS process: pid file, liveness by command line tag, graceful-then-forced stop. */
import { isProcessAlive, stopProcess } from '../../supervisor/os-process.mjs';
import { DATA_DIR_PROPERTY } from './config.mjs';

export { readPid, writePid, removePid } from '../../supervisor/os-process.mjs';

/**
 * True when `pid` is alive and, where /proc exists, carries our data-dir tag. spark-submit execs the
 * JVM in place, so the pid stays the same from the shell script to the server; the tag is one word
 * of the `--driver-java-options` argument first and its own argument later.
 * @param {number} pid
 * @param {string} dataDir
 */
export function isServerAlive(pid, dataDir) {
  const tag = `-D${DATA_DIR_PROPERTY}=${dataDir}`;
  return isProcessAlive(pid, (argv) => argv.some((arg) => arg.split(' ').includes(tag)));
}

/**
 * SIGTERM (Spark's shutdown hook stops the server and the SparkContext), then SIGKILL after `graceMs`.
 * @param {number} pid
 * @param {string} dataDir
 * @param {{ graceMs?: number, log?: (message: string) => void }} [options]
 * @returns {Promise<'stopped' | 'killed' | 'not-running'>}
 */
export function terminate(pid, dataDir, options = {}) {
  return stopProcess({
    pid,
    name: 'Spark',
    isAlive: () => isServerAlive(pid, dataDir),
    steps: [
      { signal: 'SIGTERM', waitMs: options.graceMs ?? 30_000 },
      { signal: 'SIGKILL', waitMs: 10_000 },
    ],
    log: options.log,
  });
}
