// @ts-check
/**
 * A server this repository started detached (Kafka, Spark Connect, PostgreSQL) as an OS process: its
 * pid file, whether a pid is still that server (a recycled pid must never be mistaken for it), and a
 * stop that escalates signal by signal. The tools differ only in how their server is recognised on
 * /proc and in the signals it stops on; both are passed in.
 */
import { existsSync, readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

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
 * True when `pid` is alive and, where /proc exists, not a zombie and `isOurs` accepts its command line.
 * EPERM (alive, not ours to signal) counts as alive, so a second server is never started on its files.
 * @param {number} pid
 * @param {(argv: readonly string[]) => boolean} isOurs
 */
export function isProcessAlive(pid, isOurs) {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return /** @type {{ code?: unknown }} */ (error).code === 'EPERM';
  }
  if (!existsSync('/proc/self')) return true;
  try {
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').charAt(0);
    if (state === 'Z') return false;
    return isOurs(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0'));
  } catch {
    return false;
  }
}

/**
 * Stops a server: sends each step's signal in turn and waits up to its `waitMs` for `isAlive()` to turn
 * false before the next. 'stopped' when the first signal was enough, 'killed' when it took a later one.
 * @param {{ pid: number, name: string, isAlive: () => boolean, steps: readonly { signal: NodeJS.Signals, waitMs: number }[], log?: (message: string) => void }} target
 * @returns {Promise<'stopped' | 'killed' | 'not-running'>}
 */
export async function stopProcess({ pid, name, isAlive, steps, log }) {
  if (!isAlive()) return 'not-running';
  for (const [index, step] of steps.entries()) {
    if (index > 0) log?.(`${name} (pid ${pid}) did not stop within ${steps[index - 1]?.waitMs} ms; sending ${step.signal}`);
    signal(pid, step.signal);
    if (await waitForExit(isAlive, step.waitMs)) return index === 0 ? 'stopped' : 'killed';
  }
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

/** @param {() => boolean} isAlive @param {number} timeoutMs @returns {Promise<boolean>} true when the process exited in time */
async function waitForExit(isAlive, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive()) return true;
    await sleep(100);
  }
  return !isAlive();
}

/**
 * Keeps a command attached to a server it started (`… start --foreground`): the first SIGINT, SIGTERM
 * or SIGHUP stops the server, a second kills it, and the command ends when the server exits.
 * @param {{ pid: number, ready: Promise<number>, exited: Promise<{ code: number | null, signal: NodeJS.Signals | null }>, stop: () => Promise<unknown> }} server
 * @param {{ name: string, address: string, say: (message: string) => void }} options
 * @returns {Promise<number>} the command's exit code: 1 when the server never got ready or failed on its own
 */
export async function runAttached(server, { name, address, say }) {
  let signals = 0;
  /** @param {NodeJS.Signals} received */
  const onSignal = (received) => {
    signals += 1;
    if (signals === 1) {
      say(`${received}: stopping ${name} (again to force)…`);
      server.stop().catch((error) => say(`stop failed: ${error instanceof Error ? error.message : String(error)}`));
    } else {
      say(`${received}: killing ${name}`);
      signal(server.pid, 'SIGKILL');
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  server.ready.then(
    (readyAfterMs) => say(`ready in ${(readyAfterMs / 1000).toFixed(1)} s at ${address} (Ctrl-C to stop)`),
    async (error) => {
      say(error instanceof Error ? error.message : String(error));
      await server.stop();
    },
  );
  const exit = await server.exited;
  await server.stop();
  const failed = (await server.ready.then(() => false, () => true)) || (signals === 0 && exit.code !== 0);
  say(`${name} exited (code ${exit.code}${exit.signal ? `, signal ${exit.signal}` : ''})`);
  return failed ? 1 : 0;
}

/**
 * @typedef {object} ProcessExit
 * @property {number | null} code
 * @property {NodeJS.Signals | null} signal
 */

/**
 * Follows a server's exit: `exited` resolves with its code and signal (after `onExit`, for clean-up
 * that must happen however it ended); `gaveUp()` is the reason a readiness wait should stop — the
 * server exited — or undefined while it runs.
 * @param {import('node:child_process').ChildProcess} child
 * @param {string} what the server, as the reason names it, e.g. "the broker"
 * @param {(exit: ProcessExit) => void} [onExit]
 * @returns {{ exited: Promise<ProcessExit>, gaveUp: () => string | undefined }}
 */
export function followExit(child, what, onExit) {
  /** @type {ProcessExit | undefined} */
  let exit;
  /** @type {Promise<ProcessExit>} */
  const exited = new Promise((resolveExit) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      onExit?.(exit);
      resolveExit(exit);
    });
  });
  return { exited, gaveUp: () => (exit ? `${what} exited during startup (code ${exit.code}, signal ${exit.signal})` : undefined) };
}

/**
 * A stop that runs once: every later call shares the first call's promise.
 * @param {() => Promise<void>} stop
 * @returns {() => Promise<void>}
 */
export function once(stop) {
  /** @type {Promise<void> | undefined} */
  let stopping;
  return () => (stopping ??= stop());
}
