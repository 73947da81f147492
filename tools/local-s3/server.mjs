// @ts-check
/**
 * Programmatic API of the local S3-compatible server (Versity S3 Gateway, posix back end on a
 * directory), used by `s3.mjs` and by test runners:
 *
 *   const s3 = await startS3({ port: 39700, dataDir: await mkdtemp(join(tmpdir(), 'fluxo-s3-')) });
 *   // s3.endpoint http://127.0.0.1:39700, s3.accessKeyId, s3.secretAccessKey, s3.region
 *   await createBucket(s3, 'lake');
 *   … await s3.stop();
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isPortFree } from '../local-kafka/src/readiness.mjs';
import { tail } from '../local-kafka/src/logs.mjs';
import { LocalS3Error } from './src/errors.mjs';
import { installS3 } from './src/install.mjs';
import { DEFAULT_DATA_DIR, DEFAULT_PORT, DEFAULT_REGION, HOST, dataDirLayout } from './src/paths.mjs';
import { isServerAlive, readPid, removePid, terminate, writePid } from './src/process.mjs';
import { followExit, once } from '../supervisor/os-process.mjs';
import { listBuckets } from './src/s3-request.mjs';

export { installS3 } from './src/install.mjs';
export { LocalS3Error } from './src/errors.mjs';
export { createBucket } from './src/s3-request.mjs';
export { DEFAULT_DATA_DIR, DEFAULT_PORT } from './src/paths.mjs';

const DEFAULT_READY_TIMEOUT_MS = 60_000;

/**
 * @typedef {object} StartOptions
 * @property {number} [port]            default 7070
 * @property {string} [dataDir]         default `<repo>/.fluxo/s3/data`; objects live in `<dataDir>/objects/<bucket>/<key>`
 * @property {string} [region]          default us-east-1
 * @property {string} [accessKeyId]     the root user's; default a new random one per start
 * @property {string} [secretAccessKey] default a new random one per start
 * @property {number} [readyTimeoutMs]  default 60 000
 * @property {number} [graceMs]         how long `stop()` waits after SIGTERM before SIGKILL, default 10 000
 * @property {(message: string) => void} [log]
 */

/**
 * @typedef {object} S3Credentials
 * @property {string} endpoint         `http://127.0.0.1:<port>`
 * @property {string} region
 * @property {string} accessKeyId
 * @property {string} secretAccessKey
 */

/**
 * @typedef {S3Credentials & { port: number, pid: number, dataDir: string, objectsDir: string, logFile: string, readyAfterMs: number,
 *   exited: Promise<{ code: number | null, signal: NodeJS.Signals | null }>, stop: () => Promise<void> }} RunningS3
 */

/**
 * Starts the gateway (building it first if this machine never did) and resolves once ListBuckets
 * answers with the root credentials. Fails, leaving nothing running, when the data dir already has
 * a live server, the port is taken or it does not answer in time. The server is detached: it
 * outlives this process unless `stop()` is called. Credentials go to the gateway through its
 * environment, never its command line, and to `<dataDir>/credentials.json` (mode 0600).
 * @param {StartOptions} [options]
 * @returns {Promise<RunningS3>}
 */
export async function startS3(options = {}) {
  const port = options.port ?? DEFAULT_PORT;
  const layout = dataDirLayout(options.dataDir ?? DEFAULT_DATA_DIR);
  const log = options.log ?? (() => undefined);
  await mkdir(layout.objectsDir, { recursive: true });
  const existing = readPid(layout.pidFile);
  if (existing !== undefined) {
    if (isServerAlive(existing, layout.objectsDir)) {
      throw new LocalS3Error(`An S3 server is already running on ${layout.dataDir} (pid ${existing}). Stop it first: node tools/local-s3/s3.mjs stop --data-dir ${layout.dataDir}`);
    }
    await removePid(layout.pidFile);
  }
  if (!(await isPortFree(port, HOST))) throw new LocalS3Error(`Port ${port} on ${HOST} is already in use by another process. Stop it or choose another port with --port.`);
  const { binary, version } = await installS3({ log });

  /** @type {S3Credentials} */
  const credentials = {
    endpoint: `http://${HOST}:${port}`,
    region: options.region ?? DEFAULT_REGION,
    accessKeyId: options.accessKeyId ?? `fluxo${randomBytes(8).toString('hex')}`,
    secretAccessKey: options.secretAccessKey ?? randomBytes(24).toString('base64url'),
  };
  await writeFile(layout.credentialsFile, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  await chmod(layout.credentialsFile, 0o600);

  const launchedAt = Date.now();
  const logFd = openSync(layout.logFile, 'w');
  const child = spawn(binary, ['--port', `${HOST}:${port}`, '--region', credentials.region, '--quiet', 'posix', layout.objectsDir], {
    cwd: layout.dataDir,
    env: { PATH: process.env['PATH'] ?? '', ROOT_ACCESS_KEY_ID: credentials.accessKeyId, ROOT_SECRET_ACCESS_KEY: credentials.secretAccessKey },
    stdio: ['ignore', logFd, logFd],
    detached: true,
  });
  closeSync(logFd);
  if (child.pid === undefined) throw new LocalS3Error(`Could not start ${binary}: ${await new Promise((r) => child.once('error', (e) => r(e.message)))}`);
  child.unref();
  const pid = child.pid;
  await writePid(layout.pidFile, pid);
  log(`Versity S3 Gateway ${version} starting (pid ${pid}, ${credentials.endpoint}, objects ${layout.objectsDir})`);

  const { exited, gaveUp } = followExit(child, 'the gateway');
  const stop = once(async () => {
    const outcome = await terminate(pid, layout.objectsDir, { graceMs: options.graceMs, log });
    if (readPid(layout.pidFile) === pid) await removePid(layout.pidFile);
    if (outcome !== 'not-running') log(`versitygw (pid ${pid}) ${outcome === 'killed' ? 'killed' : 'stopped'}`);
  });

  try {
    await waitUntilReady(credentials, {
      timeoutMs: options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS,
      gaveUp,
    });
  } catch (error) {
    await stop();
    throw new LocalS3Error(`The S3 server did not start: ${error instanceof Error ? error.message : String(error)}\n--- last lines of ${layout.logFile} ---\n${tail(layout.logFile, 20)}`);
  }
  return { ...credentials, port, pid, dataDir: layout.dataDir, objectsDir: layout.objectsDir, logFile: layout.logFile, readyAfterMs: Date.now() - launchedAt, exited, stop };
}

/**
 * Polls ListBuckets every 250 ms until it answers 200, the deadline passes or `gaveUp()` names a reason.
 * @param {S3Credentials} credentials
 * @param {{ timeoutMs: number, gaveUp: () => string | undefined }} options
 */
async function waitUntilReady(credentials, options) {
  const deadline = Date.now() + options.timeoutMs;
  let last = 'no attempt yet';
  for (;;) {
    const reason = options.gaveUp();
    if (reason !== undefined) throw new Error(reason);
    try {
      await listBuckets(credentials, { timeoutMs: 5_000 });
      return;
    } catch (error) {
      last = error instanceof Error ? `${error.message}${error.cause instanceof Error ? ` (${error.cause.message})` : ''}` : String(error);
    }
    if (Date.now() >= deadline) throw new Error(`ListBuckets on ${credentials.endpoint} did not answer within ${options.timeoutMs} ms (last: ${last})`);
    await sleep(250);
  }
}

/**
 * Stops the server running on a data dir (found through its pid file). Idempotent.
 * @param {{ dataDir?: string, graceMs?: number, log?: (message: string) => void }} [options]
 * @returns {Promise<'stopped' | 'killed' | 'not-running'>}
 */
export async function stopS3(options = {}) {
  const layout = dataDirLayout(options.dataDir ?? DEFAULT_DATA_DIR);
  const pid = readPid(layout.pidFile);
  if (pid === undefined) return 'not-running';
  const outcome = await terminate(pid, layout.objectsDir, options);
  await removePid(layout.pidFile);
  return outcome;
}

/**
 * Whether a server runs on the data dir, and how to reach it (from its pid and credentials files).
 * @param {{ dataDir?: string }} [options]
 * @returns {{ running: false, dataDir: string } | { running: true, dataDir: string, pid: number, objectsDir: string, logFile: string, credentials: S3Credentials | undefined }}
 */
export function s3Status(options = {}) {
  const layout = dataDirLayout(options.dataDir ?? DEFAULT_DATA_DIR);
  const pid = readPid(layout.pidFile);
  if (pid === undefined || !isServerAlive(pid, layout.objectsDir)) return { running: false, dataDir: layout.dataDir };
  const credentials = existsSync(layout.credentialsFile) ? /** @type {S3Credentials} */ (JSON.parse(readFileSync(layout.credentialsFile, 'utf8'))) : undefined;
  return { running: true, dataDir: layout.dataDir, pid, objectsDir: layout.objectsDir, logFile: layout.logFile, credentials };
}

/** Resolves a user-supplied data dir against the current directory. */
export function resolveDataDir(/** @type {string | undefined} */ dataDir) {
  return dataDir === undefined ? DEFAULT_DATA_DIR : resolve(dataDir);
}
