// @ts-check
/** The broker JVM as an OS process: the pid file, liveness checks and a graceful-then-forced stop. */
import { existsSync, readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/** JVM system property that tags our broker, so a recycled pid is never mistaken for it. */
export const DATA_DIR_PROPERTY = 'fluxo.localKafka.dataDir';

/**
 * @param {string} pidFile
 * @returns {number | undefined}
 */
export function readPid(pidFile) {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8').trim(), 10);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * @param {string} pidFile
 * @param {number} pid
 */
export async function writePid(pidFile, pid) {
  await writeFile(pidFile, `${pid}\n`);
}

/** @param {string} pidFile */
export async function removePid(pidFile) {
  await rm(pidFile, { force: true });
}

/**
 * True when `pid` is a live process and, where /proc exists, a JVM tagged with this data dir.
 * @param {number} pid
 * @param {string} dataDir
 */
export function isBrokerAlive(pid, dataDir) {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: alive but not ours to signal; treat as alive so we never start a second broker on its files.
    return /** @type {{ code?: unknown }} */ (error).code === 'EPERM';
  }
  const procDir = `/proc/${pid}`;
  if (!existsSync('/proc/self')) return true;
  try {
    const state = readFileSync(`${procDir}/stat`, 'utf8').replace(/^.*\) /s, '').charAt(0);
    if (state === 'Z') return false;
    const argv = readFileSync(`${procDir}/cmdline`, 'utf8').split('\0');
    return argv.includes(`-D${DATA_DIR_PROPERTY}=${dataDir}`);
  } catch {
    return false;
  }
}

/**
 * SIGTERM (Kafka shuts down cleanly on it), then SIGKILL if the JVM is still alive after `graceMs`.
 * Resolves once the process is gone.
 * @param {number} pid
 * @param {string} dataDir
 * @param {{ graceMs?: number, log?: (message: string) => void }} [options]
 * @returns {Promise<'stopped' | 'killed' | 'not-running'>}
 */
export async function terminate(pid, dataDir, options = {}) {
  const graceMs = options.graceMs ?? 30_000;
  if (!isBrokerAlive(pid, dataDir)) return 'not-running';
  signal(pid, 'SIGTERM');
  if (await waitForExit(pid, dataDir, graceMs)) return 'stopped';
  options.log?.(`broker (pid ${pid}) did not stop within ${graceMs} ms; sending SIGKILL`);
  signal(pid, 'SIGKILL');
  await waitForExit(pid, dataDir, 10_000);
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
    if (!isBrokerAlive(pid, dataDir)) return true;
    await sleep(100);
  }
  return !isBrokerAlive(pid, dataDir);
}
