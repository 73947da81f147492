// @ts-check
/** The gateway as an OS process: pid file, liveness by its posix directory argument, graceful-then-forced stop. */
import { isProcessAlive, stopProcess } from '../../supervisor/os-process.mjs';

export { readPid, writePid, removePid } from '../../supervisor/os-process.mjs';

/**
 * True when `pid` is alive and, where /proc exists, is a gateway serving `objectsDir`.
 * @param {number} pid
 * @param {string} objectsDir
 */
export function isServerAlive(pid, objectsDir) {
  return isProcessAlive(pid, (argv) => argv.includes('posix') && argv.filter((arg) => arg !== '').at(-1) === objectsDir);
}

/**
 * SIGTERM (the gateway finishes its requests and exits), then SIGKILL after `graceMs`.
 * @param {number} pid
 * @param {string} objectsDir
 * @param {{ graceMs?: number, log?: (message: string) => void }} [options]
 * @returns {Promise<'stopped' | 'killed' | 'not-running'>}
 */
export function terminate(pid, objectsDir, options = {}) {
  return stopProcess({
    pid,
    name: 'versitygw',
    isAlive: () => isServerAlive(pid, objectsDir),
    steps: [
      { signal: 'SIGTERM', waitMs: options.graceMs ?? 10_000 },
      { signal: 'SIGKILL', waitMs: 10_000 },
    ],
    log: options.log,
  });
}
