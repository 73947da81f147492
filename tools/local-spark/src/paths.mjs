// @ts-check
/** Where the local Spark Connect server keeps its data and logs: `<repo>/.fluxo/spark` (git-ignored). */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TOOL_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_ROOT = resolve(TOOL_DIR, '..', '..');
export const SPARK_HOME_DIR = join(REPO_ROOT, '.fluxo', 'spark');
export const DEFAULT_DATA_DIR = join(SPARK_HOME_DIR, 'data');
export const DEFAULT_PORT = 15002;
/** The server binds loopback only. */
export const HOST = '127.0.0.1';
/** The protocol descriptor the readiness probe speaks (generated from Spark's .proto files, libs/spark-connect). */
export const DESCRIPTOR_PATH = join(REPO_ROOT, 'libs', 'spark-connect', 'src', 'generated', 'spark-connect.json');

/**
 * @typedef {object} DataDirLayout
 * @property {string} dataDir
 * @property {string} pidFile       pid of the server JVM
 * @property {string} tokenFile     the bearer token clients must send (mode 0600), rewritten on every start
 * @property {string} remoteFile    the `sc://` address of the running server, without the token
 * @property {string} log4jConfig   log4j2 configuration, rewritten on every start
 * @property {string} warehouseDir  `spark.sql.warehouse.dir`
 * @property {string} scratchDir    SPARK_LOCAL_DIRS (shuffle and spill files), emptied on start and stop
 * @property {string} logsDir
 * @property {string} consoleLog    the JVM's stdout/stderr: warnings, errors, the started line
 * @property {string} serverLog     full INFO log, rolled at 10 MB
 */

/**
 * @param {string} dataDir
 * @returns {DataDirLayout}
 */
export function dataDirLayout(dataDir) {
  const root = resolve(dataDir);
  const logsDir = join(root, 'logs');
  return {
    dataDir: root,
    pidFile: join(root, 'spark.pid'),
    tokenFile: join(root, 'token'),
    remoteFile: join(root, 'remote'),
    log4jConfig: join(root, 'log4j2.properties'),
    warehouseDir: join(root, 'warehouse'),
    scratchDir: join(root, 'scratch'),
    logsDir,
    consoleLog: join(logsDir, 'console.log'),
    serverLog: join(logsDir, 'server.log'),
  };
}
