// @ts-check
/** The broker JVM as an OS process: the pid file, liveness checks and a graceful-then-forced stop. */
import { isProcessAlive, stopProcess } from '../../supervisor/os-process.mjs';

/** JVM system property that tags our broker, so a recycled pid is never mistaken for it. */
export const DATA_DIR_PROPERTY = 'fluxo.localKafka.dataDir';

export { readPid, writePid, removePid } from '../../supervisor/os-process.mjs';

/**
 * True when `pid` is a live process and, where /proc exists, a JVM tagged with this data dir.
 * @param {number} pid
 * @param {string} dataDir
 */
export function isBrokerAlive(pid, dataDir) {
  return isProcessAlive(pid, (argv) => argv.includes(`-D${DATA_DIR_PROPERTY}=${dataDir}`));
}

/**
 * SIGTERM (Kafka shuts down cleanly on it), then SIGKILL if the JVM is still alive after `graceMs`.
 * Resolves once the process is gone.
 * @param {number} pid
 * @param {string} dataDir
 * @param {{ graceMs?: number, log?: (message: string) => void }} [options]
 * @returns {Promise<'stopped' | 'killed' | 'not-running'>}
 */
export function terminate(pid, dataDir, options = {}) {
  return stopProcess({
    pid,
    name: 'broker',
    isAlive: () => isBrokerAlive(pid, dataDir),
    steps: [
      { signal: 'SIGTERM', waitMs: options.graceMs ?? 30_000 },
      { signal: 'SIGKILL', waitMs: 10_000 },
    ],
    log: options.log,
  });
}
