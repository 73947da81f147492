// @ts-check
/**
 * The server as an OS process. PostgreSQL keeps its own lock file, `postmaster.pid` (pid, data dir, start
 * time, port, socket dir, listen address, shared memory key, status), so we keep none of our own.
 */
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

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
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: alive but not ours to signal; treat as alive so we never start a second server on its files.
    return /** @type {{ code?: unknown }} */ (error).code === 'EPERM';
  }
  if (!existsSync('/proc/self')) return true;
  try {
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').charAt(0);
    if (state === 'Z') return false;
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const flag = argv.indexOf('-D');
    return flag >= 0 && argv[flag + 1] === dataDir;
  } catch {
    return false;
  }
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
export async function terminate(pid, dataDir, options) {
  if (!isServerAlive(pid, dataDir)) return 'not-running';
  signal(pid, 'SIGINT');
  if (await waitForExit(pid, dataDir, options.graceMs)) return 'stopped';
  options.log?.(`postgres (pid ${pid}) did not stop within ${options.graceMs} ms; immediate shutdown (SIGQUIT)`);
  signal(pid, 'SIGQUIT');
  if (await waitForExit(pid, dataDir, IMMEDIATE_GRACE_MS)) return 'killed';
  options.log?.(`postgres (pid ${pid}) still alive; sending SIGKILL`);
  signal(pid, 'SIGKILL');
  await waitForExit(pid, dataDir, IMMEDIATE_GRACE_MS);
  return 'killed';
}

/**
 * @param {number} pid
 * @param {NodeJS.Signals} name
 */
function signal(pid, name) {
  try {
    process.kill(pid, name);
  } catch (error) {
    if (/** @type {{ code?: unknown }} */ (error).code !== 'ESRCH') throw error;
  }
}

/**
 * @param {number} pid
 * @param {string} dataDir
 * @param {number} timeoutMs
 * @returns {Promise<boolean>} true when the process exited in time
 */
async function waitForExit(pid, dataDir, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isServerAlive(pid, dataDir)) return true;
    await sleep(100);
  }
  return !isServerAlive(pid, dataDir);
}
