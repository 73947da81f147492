// @ts-check
/** Where the local S3 server keeps its binary, objects and logs: `<repo>/.fluxo/s3` (git-ignored). */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TOOL_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_ROOT = resolve(TOOL_DIR, '..', '..');
export const S3_HOME_DIR = join(REPO_ROOT, '.fluxo', 's3');
/** The Versity S3 Gateway release built once per machine (Apache-2.0, from the Go module proxy). */
export const VERSITYGW_VERSION = 'v1.8.0';
export const VERSITYGW_MODULE = 'github.com/versity/versitygw/cmd/versitygw';
/** `<repo>/.fluxo/s3/bin/<version>/versitygw`: keyed by version, so a version bump builds afresh. */
export const BIN_DIR = join(S3_HOME_DIR, 'bin', VERSITYGW_VERSION);
export const DEFAULT_DATA_DIR = join(S3_HOME_DIR, 'data');
export const DEFAULT_PORT = 7070;
export const DEFAULT_REGION = 'us-east-1';
/** The server binds loopback only. */
export const HOST = '127.0.0.1';

/**
 * @typedef {object} DataDirLayout
 * @property {string} dataDir
 * @property {string} pidFile          pid of the gateway
 * @property {string} credentialsFile  the root access key, secret, endpoint and region (JSON, mode 0600), rewritten on every start
 * @property {string} objectsDir       the posix back end's root: `<bucket>/<key>` are plain directories and files
 * @property {string} logFile          the gateway's stdout/stderr
 */

/**
 * @param {string} dataDir
 * @returns {DataDirLayout}
 */
export function dataDirLayout(dataDir) {
  const root = resolve(dataDir);
  return {
    dataDir: root,
    pidFile: join(root, 'versitygw.pid'),
    credentialsFile: join(root, 'credentials.json'),
    objectsDir: join(root, 'objects'),
    logFile: join(root, 'versitygw.log'),
  };
}
