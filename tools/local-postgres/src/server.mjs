// @ts-check
/** Start, stop and inspect a local PostgreSQL server on a data dir (the API behind postgres.mjs). */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { clusterMajor, initClusterOnce, prepareDataDir, writeServerFiles } from './cluster.mjs';
import { connectionInfo } from './connection.mjs';
import { LocalPostgresError } from './errors.mjs';
import { cleanEnv, serverAccount } from './exec.mjs';
import { findBinaries } from './binaries.mjs';
import { DEFAULT_DATA_DIR, DEFAULT_DATABASE, DEFAULT_PORT, HOST, SUPERUSER, dataDirLayout } from './paths.mjs';
import { isServerAlive, readPostmaster, terminate } from './process.mjs';
import { followExit, once } from '../../supervisor/os-process.mjs';
import { ensureDatabase, isPortFree, waitUntilReady } from './readiness.mjs';

const DEFAULT_READY_TIMEOUT_MS = 60_000;
const DEFAULT_GRACE_MS = 30_000;

/**
 * @typedef {object} StartOptions
 * @property {number} [port]            TCP port on 127.0.0.1, default 55432
 * @property {string} [dataDir]         the cluster directory, default `<repo>/.fluxo/postgres`; created and initialised if empty
 * @property {string} [database]        created if missing, default `fluxo`
 * @property {string} [binDir]          PostgreSQL's bin directory, default FLUXO_POSTGRES_BIN_DIR, then /usr/lib/postgresql/<newest>/bin, then PATH
 * @property {number} [readyTimeoutMs]  how long to wait for the first successful query, default 60 000
 * @property {number} [graceMs]         how long `stop()` waits for a fast shutdown before forcing it, default 30 000
 * @property {(message: string) => void} [log]  progress messages, default: none
 */

/**
 * @typedef {object} ServerExit
 * @property {number | null} code
 * @property {NodeJS.Signals | null} signal
 */

/**
 * @typedef {object} ServerProcess
 * @property {number} pid         the postmaster
 * @property {string} dataDir     absolute
 * @property {string} socketDir   the unix socket's directory (the data dir)
 * @property {string} logFile     the server's log, truncated on every start
 * @property {string} version     e.g. `15.18`
 * @property {number} readyAfterMs  from spawning the server until it answers a query and the database exists
 * @property {Promise<ServerExit>} exited  settles when the server exits (only in the process that started it)
 * @property {() => Promise<void>} stop  fast shutdown, forced after the grace period; idempotent
 */

/** @typedef {import('./connection.mjs').ConnectionInfo & ServerProcess & AsyncDisposable} RunningPostgres */

/**
 * Starts PostgreSQL on a data dir and resolves once a query over TCP succeeds and the database exists.
 * Runs initdb on an empty data dir first. As root, the server runs as the `postgres` system user. The
 * server is detached: it outlives this process unless `stop()` is called. Fails (leaving nothing
 * running) when the binaries are missing, the data dir already has a live server, the port is taken or
 * the server does not answer in time.
 * @param {StartOptions} [options]
 * @returns {Promise<RunningPostgres>}
 */
export async function startPostgres(options = {}) {
  const port = options.port ?? DEFAULT_PORT;
  const database = options.database ?? DEFAULT_DATABASE;
  const layout = dataDirLayout(options.dataDir ?? DEFAULT_DATA_DIR);
  const { dataDir } = layout;
  const log = options.log ?? (() => undefined);
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new LocalPostgresError('USAGE', `Database name "${database}" must be a lower-case identifier ([a-z_][a-z0-9_]*).`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new LocalPostgresError('USAGE', `Port must be an integer from 1 to 65535, got ${port}.`);

  const existing = readPostmaster(layout.pidFile);
  if (existing !== undefined && isServerAlive(existing.pid, dataDir)) {
    throw new LocalPostgresError(
      'ALREADY_RUNNING',
      `PostgreSQL already runs on ${dataDir} (pid ${existing.pid}, port ${existing.port ?? 'unknown'}). Stop it first: node tools/local-postgres/postgres.mjs stop --data-dir ${dataDir}`,
      { dataDir, port: existing.port },
    );
  }
  const binaries = findBinaries({ binDir: options.binDir, major: await clusterMajor(layout) });
  const account = serverAccount();
  if (!(await isPortFree(port, HOST))) {
    throw new LocalPostgresError('PORT_IN_USE', `Port ${port} on ${HOST} is already in use by another process. Stop it or choose another port (--port).`, { dataDir, port });
  }

  await prepareDataDir(layout, port, account);
  const initStartedAt = Date.now();
  if (await initClusterOnce(layout, binaries, account)) log(`initialised a PostgreSQL ${binaries.version} cluster in ${dataDir} (${Date.now() - initStartedAt} ms)`);
  await writeServerFiles(layout, account);

  const launchedAt = Date.now();
  const logFd = openSync(layout.logFile, 'a');
  const child = spawn(
    binaries.postgres,
    ['-D', dataDir, '-c', `port=${port}`, '-c', `listen_addresses=${HOST}`, '-c', `unix_socket_directories="${dataDir}"`],
    { cwd: dataDir, env: cleanEnv(), stdio: ['ignore', logFd, logFd], detached: true, ...(account ? { uid: account.uid, gid: account.gid } : {}) },
  );
  closeSync(logFd);
  if (child.pid === undefined) {
    const reason = await new Promise((resolveError) => child.once('error', (error) => resolveError(error.message)));
    throw new LocalPostgresError('START_FAILED', `Could not start ${binaries.postgres}: ${reason}`, { dataDir, port });
  }
  child.unref();
  const pid = child.pid;
  log(`postgres ${binaries.version} starting (pid ${pid}${account ? `, user ${account.name}` : ''}, ${HOST}:${port}, data ${dataDir})`);

  const { exited, gaveUp } = followExit(child, 'the server');
  const stop = once(async () => {
    const outcome = await terminate(pid, dataDir, { graceMs: options.graceMs ?? DEFAULT_GRACE_MS, log });
    if (outcome !== 'not-running') log(`postgres (pid ${pid}) ${outcome === 'killed' ? 'shut down by force' : 'stopped'}`);
  });

  const target = { host: HOST, port, user: SUPERUSER };
  try {
    await waitUntilReady(binaries, target, {
      timeoutMs: options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS,
      gaveUp,
    });
    if (await ensureDatabase(binaries, target, database)) log(`created database ${database}`);
  } catch (error) {
    await stop();
    if (error instanceof LocalPostgresError) throw error;
    throw new LocalPostgresError('START_FAILED', `PostgreSQL did not start: ${error instanceof Error ? error.message : String(error)}.\n${describeLog(layout.logFile)}`, {
      cause: error,
      dataDir,
      port,
    });
  }
  const readyAfterMs = Date.now() - launchedAt;
  return {
    ...connectionInfo({ ...target, database }),
    pid,
    dataDir,
    socketDir: dataDir,
    logFile: layout.logFile,
    version: binaries.version,
    readyAfterMs,
    exited,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

/**
 * Stops the server running on a data dir (found through its postmaster.pid). Idempotent.
 * @param {{ dataDir?: string, graceMs?: number, log?: (message: string) => void }} [options]
 * @returns {Promise<'stopped' | 'killed' | 'not-running'>}
 */
export async function stopPostgres(options = {}) {
  const layout = dataDirLayout(options.dataDir ?? DEFAULT_DATA_DIR);
  const postmaster = readPostmaster(layout.pidFile);
  if (postmaster === undefined) return 'not-running';
  return terminate(postmaster.pid, layout.dataDir, { graceMs: options.graceMs ?? DEFAULT_GRACE_MS, log: options.log });
}

/**
 * @typedef {object} PostgresStatus
 * @property {boolean} running
 * @property {string} dataDir
 * @property {string} logFile
 * @property {number} [pid]
 * @property {string} [state]  the server's own: `starting`, `ready`, `stopping`
 * @property {import('./connection.mjs').ConnectionInfo} [connection]  to the default database
 */

/**
 * Whether a server runs on the data dir, from its postmaster.pid and a process check (no connection).
 * @param {{ dataDir?: string, database?: string }} [options]
 * @returns {PostgresStatus}
 */
export function postgresStatus(options = {}) {
  const layout = dataDirLayout(options.dataDir ?? DEFAULT_DATA_DIR);
  const postmaster = readPostmaster(layout.pidFile);
  const base = { dataDir: layout.dataDir, logFile: layout.logFile };
  if (postmaster === undefined || !isServerAlive(postmaster.pid, layout.dataDir)) return { running: false, ...base };
  return {
    running: true,
    ...base,
    pid: postmaster.pid,
    state: postmaster.status,
    connection: postmaster.port === undefined ? undefined : connectionInfo({ host: HOST, port: postmaster.port, user: SUPERUSER, database: options.database ?? DEFAULT_DATABASE }),
  };
}

/** Resolves a user-supplied data dir against the current directory. */
export function resolveDataDir(/** @type {string | undefined} */ dataDir) {
  return dataDir === undefined ? DEFAULT_DATA_DIR : resolve(dataDir);
}

/** @param {string} logFile */
function describeLog(logFile) {
  if (!existsSync(logFile)) return `(no ${logFile})`;
  const lines = readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-30).join('\n');
  return lines === '' ? `(${logFile} is empty)` : `--- last lines of ${logFile} ---\n${lines}`;
}
