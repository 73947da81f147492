// @ts-check
/**
 * The server as an OS process. PostgreSQL keeps its own lock file, `postmaster.pid` (pid, data dir, start
 * time, port, socket dir, listen address, shared memory key, status), so we keep none of our own.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isProcessAlive, stopProcess } from '../../supervisor/os-process.mjs';

/**
 * @typedef {object} Postmaster
 * @property {number} pid
 * @property {number | undefined} port
 * @property {string | undefined} status  `starting`, `ready`, `stopping` or `standby`
 */

/**
 * @param {string} pidFile
 * @returns {Postmaster | undefined}
 */
export function readPostmaster(pidFile) {
  if (!existsSync(pidFile)) return undefined;
  let lines;
  try {
    lines = readFileSync(pidFile, 'utf8').split('\n');
  } catch {
    return undefined; // removed between the check and the read: the server just stopped
  }
  const pid = Number.parseInt(lines[0] ?? '', 10);
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  const port = Number.parseInt(lines[3] ?? '', 10);
  const status = lines[7]?.trim();
  return { pid, port: Number.isInteger(port) ? port : undefined, status: status === '' ? undefined : status };
}

/**
 * True when `pid` is a live postmaster of this data dir (checked on /proc against its `-D` argument, so
 * a recycled pid is never mistaken for it).
 * @param {number} pid
 * @param {string} dataDir
 */
export function isServerAlive(pid, dataDir) {
  return isProcessAlive(pid, (argv) => {
    const flag = argv.indexOf('-D');
    return flag >= 0 && argv[flag + 1] === dataDir;
  });
}

/** How long the immediate-shutdown step waits before SIGKILL. */
const IMMEDIATE_GRACE_MS = 10_000;

/**
 * Stops the server: SIGINT ("fast" shutdown: rolls back open transactions, disconnects clients, writes a
 * checkpoint); after `graceMs`, SIGQUIT ("immediate": no checkpoint, crash recovery on the next start);
 * after 10 s more, SIGKILL. Resolves once the process is gone.
 * @param {number} pid
 * @param {string} dataDir
 * @param {{ graceMs: number, log?: (message: string) => void }} options
 * @returns {Promise<'stopped' | 'killed' | 'not-running'>}
 */
export function terminate(pid, dataDir, options) {
  return stopProcess({
    pid,
    name: 'postgres',
    isAlive: () => isServerAlive(pid, dataDir),
    steps: [
      { signal: 'SIGINT', waitMs: options.graceMs },
      { signal: 'SIGQUIT', waitMs: IMMEDIATE_GRACE_MS },
      { signal: 'SIGKILL', waitMs: IMMEDIATE_GRACE_MS },
    ],
    log: options.log,
  });
}
