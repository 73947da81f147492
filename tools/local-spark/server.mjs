// @ts-check
/**
 * Programmatic API of the local Spark Connect server (Spark from the venv's pyspark, `local[2]`), used
 * by `spark.mjs` and by test runners:
 *
 *   const spark = await startSpark({ port: 39502, dataDir: '/tmp/fluxo-spark-test' });
 *   process.env.FLUXO_TEST_SPARK_REMOTE = spark.remote;   // sc://127.0.0.1:39502/;token=…;use_ssl=false
 *   … await spark.stop();
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { tail } from '../local-kafka/src/logs.mjs';
import { remoteFor, renderLog4j2Properties, sparkSubmitArgs } from './src/config.mjs';
import { LocalSparkError } from './src/errors.mjs';
import { installSpark } from './src/install.mjs';
import { DEFAULT_DATA_DIR, DEFAULT_PORT, HOST, dataDirLayout } from './src/paths.mjs';
import { isServerAlive, readPid, removePid, terminate, writePid } from './src/process.mjs';
import { followExit, once } from '../supervisor/os-process.mjs';
import { isPortFree, waitUntilReady } from './src/readiness.mjs';

export { installSpark } from './src/install.mjs';
export { LocalSparkError } from './src/errors.mjs';
export { DEFAULT_DATA_DIR, DEFAULT_PORT } from './src/paths.mjs';

const DEFAULT_READY_TIMEOUT_MS = 180_000;
const DEFAULT_GRACE_MS = 30_000;

/**
 * @typedef {object} StartOptions
 * @property {number} [port]             gRPC port, default 15002
 * @property {string} [dataDir]          default `<repo>/.fluxo/spark/data`
 * @property {string} [token]            bearer token clients must send; default a new random one per start
 * @property {string} [master]           default `local[2]`
 * @property {string} [driverMemory]     default `1g`
 * @property {Readonly<Record<string, string>>} [conf]  extra Spark settings (`--conf key=value`)
 * @property {number} [readyTimeoutMs]   default 180 000 (a cold first query on a loaded 2-core machine is slow)
 * @property {number} [graceMs]          how long `stop()` waits after SIGTERM before SIGKILL, default 30 000
 * @property {boolean} [attach]          keep the JVM attached and copy its console to stderr (foreground mode)
 * @property {(message: string) => void} [log]
 */

/**
 * @typedef {object} ServerExit
 * @property {number | null} code
 * @property {NodeJS.Signals | null} signal
 */

/**
 * @typedef {object} RunningSpark
 * @property {string} remote     `sc://127.0.0.1:<port>/;token=…;use_ssl=false` for clients
 * @property {string} token
 * @property {number} port
 * @property {number} pid
 * @property {string} dataDir
 * @property {string} logsDir
 * @property {readonly string[]} jars  what the server has on `spark.jars`: the S3A jars (hadoop-aws, AWS SDK v2)
 * @property {Promise<ServerExit>} exited  settles when the JVM exits (observable from the starting process only)
 * @property {() => Promise<void>} stop   SIGTERM, then SIGKILL after the grace period; idempotent
 */

/** @typedef {RunningSpark & { ready: Promise<number> }} LaunchedSpark  `ready` resolves with ms from launch to a first `SELECT 1` */

/**
 * Starts the server and resolves once it answers `SELECT 1`. Fails (leaving nothing running) when the
 * data dir already has a live server, the port is taken, or it is not ready in time.
 * @param {StartOptions} [options]
 * @returns {Promise<RunningSpark & { readyAfterMs: number }>}
 */
export async function startSpark(options = {}) {
  const spark = await launchSpark(options);
  try {
    return { ...spark, readyAfterMs: await spark.ready };
  } catch (error) {
    await spark.stop();
    throw error;
  }
}

/**
 * Spawns the server and returns at once; `ready` tells when it answers. Lets a caller start other
 * services while Spark boots, and the CLI handle signals meanwhile.
 * @param {StartOptions} [options]
 * @returns {Promise<LaunchedSpark>}
 */
export async function launchSpark(options = {}) {
  const port = options.port ?? DEFAULT_PORT;
  const layout = dataDirLayout(options.dataDir ?? DEFAULT_DATA_DIR);
  const log = options.log ?? (() => undefined);

  await mkdir(layout.logsDir, { recursive: true });
  const existing = readPid(layout.pidFile);
  if (existing !== undefined) {
    if (isServerAlive(existing, layout.dataDir)) {
      throw new LocalSparkError(`A Spark server is already running on ${layout.dataDir} (pid ${existing}). Stop it first: node tools/local-spark/spark.mjs stop --data-dir ${layout.dataDir}`);
    }
    await removePid(layout.pidFile);
  }
  if (!(await isPortFree(port, HOST))) throw new LocalSparkError(`Port ${port} on ${HOST} is already in use by another process. Stop it or choose another port with --port.`);

  const installation = await installSpark({ log });
  const token = options.token ?? randomBytes(24).toString('base64url');
  await rm(layout.scratchDir, { recursive: true, force: true });
  await mkdir(layout.scratchDir, { recursive: true });
  await writeFile(layout.log4jConfig, renderLog4j2Properties(layout));
  await writeFile(layout.tokenFile, `${token}\n`, { mode: 0o600 });
  await chmod(layout.tokenFile, 0o600);
  await writeFile(layout.remoteFile, `${remoteFor({ port })}\n`);

  const args = sparkSubmitArgs({ port, master: options.master ?? 'local[2]', driverMemory: options.driverMemory ?? '1g', layout, conf: options.conf ?? {}, jars: installation.s3aJars });
  const env = { ...process.env, SPARK_HOME: installation.sparkHome, SPARK_LOCAL_IP: HOST, SPARK_LOCAL_DIRS: layout.scratchDir, SPARK_CONNECT_AUTHENTICATE_TOKEN: token, SPARK_CONF_DIR: layout.dataDir };
  const launchedAt = Date.now();
  const consoleFile = createWriteStream(layout.consoleLog, { flags: 'w' });
  await new Promise((resolveOpen) => consoleFile.once('open', resolveOpen));
  const child = options.attach
    ? spawn(installation.sparkSubmit, args, { cwd: layout.dataDir, env, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(installation.sparkSubmit, args, { cwd: layout.dataDir, env, stdio: ['ignore', consoleFile, consoleFile], detached: true });
  if (child.pid === undefined) {
    throw new LocalSparkError(`Could not start ${installation.sparkSubmit}: ${await new Promise((r) => child.once('error', (e) => r(e.message)))}`);
  }
  const pid = child.pid;
  if (options.attach) {
    child.stdout?.on('data', (chunk) => { consoleFile.write(chunk); process.stderr.write(chunk); });
    child.stderr?.on('data', (chunk) => { consoleFile.write(chunk); process.stderr.write(chunk); });
  } else {
    child.unref();
    consoleFile.end();
  }
  await writePid(layout.pidFile, pid);
  log(`Spark ${installation.version} starting (pid ${pid}, ${HOST}:${port}, data ${layout.dataDir})`);

  const { exited, gaveUp } = followExit(child, 'the server', () => {
    if (options.attach) consoleFile.end();
    if (readPid(layout.pidFile) === pid) void removePid(layout.pidFile);
  });
  const stop = once(async () => {
    const outcome = await terminate(pid, layout.dataDir, { graceMs: options.graceMs ?? DEFAULT_GRACE_MS, log });
    if (readPid(layout.pidFile) === pid) await removePid(layout.pidFile);
    await rm(layout.scratchDir, { recursive: true, force: true });
    log(outcome === 'killed' ? `Spark (pid ${pid}) killed` : `Spark (pid ${pid}) stopped`);
  });

  const ready = waitUntilReady({
    port,
    token,
    timeoutMs: options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS,
    gaveUp,
  }).then(
    () => Date.now() - launchedAt,
    (error) => {
      throw new LocalSparkError(`Spark Connect did not start: ${error instanceof Error ? error.message : String(error)}.\n${describeLogs(layout)}`);
    },
  );
  ready.catch(() => undefined);

  return { remote: remoteFor({ port, token }), token, port, pid, dataDir: layout.dataDir, logsDir: layout.logsDir, jars: installation.s3aJars, exited, stop, ready };
}

/**
 * Stops the server recorded in the data dir's pid file. Idempotent.
 * @param {{ dataDir?: string, graceMs?: number, log?: (message: string) => void }} [options]
 * @returns {Promise<'stopped' | 'killed' | 'not-running'>}
 */
export async function stopSpark(options = {}) {
  const layout = dataDirLayout(options.dataDir ?? DEFAULT_DATA_DIR);
  const pid = readPid(layout.pidFile);
  if (pid === undefined) return 'not-running';
  const outcome = await terminate(pid, layout.dataDir, { graceMs: options.graceMs ?? DEFAULT_GRACE_MS, log: options.log });
  await removePid(layout.pidFile);
  await rm(layout.scratchDir, { recursive: true, force: true });
  return outcome;
}

/**
 * @typedef {object} SparkStatus
 * @property {boolean} running
 * @property {number} [pid]
 * @property {string} [remote]   with the token, read from the data dir (mode 0600)
 * @property {string} dataDir
 * @property {string} logsDir
 */

/**
 * Whether a server runs on the data dir (pid file and process check; it does not contact Spark).
 * @param {{ dataDir?: string }} [options]
 * @returns {Promise<SparkStatus>}
 */
export async function sparkStatus(options = {}) {
  const layout = dataDirLayout(options.dataDir ?? DEFAULT_DATA_DIR);
  const pid = readPid(layout.pidFile);
  const running = pid !== undefined && isServerAlive(pid, layout.dataDir);
  let remote;
  if (running && existsSync(layout.remoteFile) && existsSync(layout.tokenFile)) {
    const port = Number(/:(\d+)\//.exec(await readFile(layout.remoteFile, 'utf8'))?.[1]);
    remote = remoteFor({ port, token: (await readFile(layout.tokenFile, 'utf8')).trim() });
  }
  return { running, pid: running ? pid : undefined, remote, dataDir: layout.dataDir, logsDir: layout.logsDir };
}

/** @param {import('./src/paths.mjs').DataDirLayout} layout */
function describeLogs(layout) {
  const consoleTail = tail(layout.consoleLog, 30);
  return consoleTail ? `--- last lines of ${layout.consoleLog} ---\n${consoleTail}` : `(${layout.consoleLog} is empty; see ${layout.serverLog})`;
}

/** Resolves a user-supplied data dir against the current directory. */
export function resolveDataDir(/** @type {string | undefined} */ dataDir) {
  return dataDir === undefined ? DEFAULT_DATA_DIR : resolve(dataDir);
}
