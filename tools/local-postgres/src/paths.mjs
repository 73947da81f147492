// @ts-check
/** Defaults and the files of a data dir. The data dir IS the PostgreSQL cluster directory (PGDATA). */
import { join, resolve } from 'node:path';

export const TOOL_DIR = resolve(import.meta.dirname, '..');
export const REPO_ROOT = resolve(TOOL_DIR, '..', '..');
/** `<repo>/.fluxo/postgres` (git-ignored). */
export const DEFAULT_DATA_DIR = join(REPO_ROOT, '.fluxo', 'postgres');
/** Not 5432, so a system PostgreSQL on the same machine never collides with ours. */
export const DEFAULT_PORT = 55432;
/** The server listens on loopback only. */
export const HOST = '127.0.0.1';
/** The superuser initdb creates; trust authentication means no password. */
export const SUPERUSER = 'postgres';
/** The database created on start (if missing) and named in the connection strings. */
export const DEFAULT_DATABASE = 'fluxo';
/** Longest unix socket path Linux accepts (`sun_path` is 108 bytes with the terminating NUL). */
const MAX_SOCKET_PATH = 107;

/**
 * @typedef {object} DataDirLayout
 * @property {string} dataDir     the cluster directory (PGDATA), also the unix socket directory
 * @property {string} versionFile `PG_VERSION`: present once initdb has run; holds the major version
 * @property {string} pidFile     `postmaster.pid`, written and removed by the server itself
 * @property {string} hbaFile     `pg_hba.conf`, rewritten on every start
 * @property {string} logFile     the server's stderr, truncated on every start
 */

/**
 * @param {string} dataDir
 * @returns {DataDirLayout}
 */
export function dataDirLayout(dataDir) {
  const root = resolve(dataDir);
  return {
    dataDir: root,
    versionFile: join(root, 'PG_VERSION'),
    pidFile: join(root, 'postmaster.pid'),
    hbaFile: join(root, 'pg_hba.conf'),
    logFile: join(root, 'server.log'),
  };
}

/**
 * Path of the server's unix socket for a port; undefined when it would be too long for Linux.
 * @param {string} dataDir
 * @param {number} port
 */
export function socketPath(dataDir, port) {
  const path = join(dataDir, `.s.PGSQL.${port}`);
  return Buffer.byteLength(path) <= MAX_SOCKET_PATH ? path : undefined;
}
