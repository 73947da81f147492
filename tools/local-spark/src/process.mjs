// @ts-check
/** The server JVM as an OS process: pid file, liveness by command line tag, graceful-then-forced stop. */
import { existsSync, readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { DATA_DIR_PROPERTY } from './config.mjs';

/** @param {string} pidFile @returns {number | undefined} */
export function readPid(pidFile) {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8').trim(), 10);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

/** @param {string} pidFile @param {number} pid */
export async function writePid(pidFile, pid) {
  await writeFile(pidFile, `${pid}\n`);
}

/** @param {string} pidFile */
export async function removePid(pidFile) {
  await rm(pidFile, { force: true });
}

/**
 * True when `pid` is alive and, where /proc exists, carries our data-dir tag. spark-submit execs the
 * JVM in place, so the pid stays the same from the shell script to the server; the tag is one word
 * of the `--driver-java-options` argument first and its own argument later.
 * @param {number} pid
 * @param {string} dataDir
 */
export function isServerAlive(pid, dataDir) {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return /** @type {{ code?: unknown }} */ (error).code === 'EPERM';
  }
  if (!existsSync('/proc/self')) return true;
  try {
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').charAt(0);
    if (state === 'Z') return false;
    const tag = `-D${DATA_DIR_PROPERTY}=${dataDir}`;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').some((arg) => arg.split(' ').includes(tag));
  } catch {
    return false;
  }
}

/**
 * SIGTERM (Spark's shutdown hook stops the server and the SparkContext), then SIGKILL after `graceMs`.
 * @param {number} pid
 * @param {string} dataDir
 * @param {{ graceMs?: number, log?: (message: string) => void }} [options]
 * @returns {Promise<'stopped' | 'killed' | 'not-running'>}
 */
export async function terminate(pid, dataDir, options = {}) {
  const graceMs = options.graceMs ?? 30_000;
  if (!isServerAlive(pid, dataDir)) return 'not-running';
  signal(pid, 'SIGTERM');
  if (await waitForExit(pid, dataDir, graceMs)) return 'stopped';
  options.log?.(`Spark (pid ${pid}) did not stop within ${graceMs} ms; sending SIGKILL`);
  signal(pid, 'SIGKILL');
  await waitForExit(pid, dataDir, 10_000);
  return 'killed';
}

/** @param {number} pid @param {NodeJS.Signals} name */
function signal(pid, name) {
  try {
    process.kill(pid, name);
  } catch (error) {
    if (/** @type {{ code?: unknown }} */ (error).code !== 'ESRCH') throw error;
  }
}

/** @param {number} pid @param {string} dataDir @param {number} timeoutMs */
async function waitForExit(pid, dataDir, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isServerAlive(pid, dataDir)) return true;
    await sleep(100);
  }
  return !isServerAlive(pid, dataDir);
}
