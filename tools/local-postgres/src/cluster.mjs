// @ts-check
/** The cluster directory: created and owned by the server's account, initialised once, pg_hba.conf rewritten each start. */
import { existsSync } from 'node:fs';
import { chmod, chown, lchown, lstat, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { capture } from './exec.mjs';
import { LocalPostgresError } from './errors.mjs';
import { SUPERUSER, socketPath } from './paths.mjs';

/**
 * Authentication for a development/test server: anyone who can reach it is trusted. It is reachable only
 * through loopback (the server listens on 127.0.0.1) and the unix socket inside the data dir (mode 0700).
 */
const PG_HBA = `# Written by tools/local-postgres on every start. A development/test server: trust authentication
# (no passwords), reachable only on 127.0.0.1 and through the unix socket in this directory. Never expose it.
# TYPE  DATABASE  USER  ADDRESS        METHOD
local   all       all                  trust
host    all       all   127.0.0.1/32   trust
`;

/**
 * The PostgreSQL major version a data dir was initialised with, or undefined when initdb has not run there.
 * @param {import('./paths.mjs').DataDirLayout} layout
 * @returns {Promise<number | undefined>}
 */
export async function clusterMajor(layout) {
  if (!existsSync(layout.versionFile)) return undefined;
  const major = Number.parseInt((await readFile(layout.versionFile, 'utf8')).trim(), 10);
  if (!Number.isInteger(major)) throw new LocalPostgresError('DATA_DIR', `${layout.versionFile} does not hold a version number.`, { dataDir: layout.dataDir });
  return major;
}

/**
 * Makes the data dir exist, belong to `account` with mode 0700, and be reachable by it; checks that the
 * socket path fits. An existing non-empty directory must already be a cluster.
 * @param {import('./paths.mjs').DataDirLayout} layout
 * @param {number} port
 * @param {import('./exec.mjs').Account | undefined} account
 */
export async function prepareDataDir(layout, port, account) {
  const { dataDir } = layout;
  if (socketPath(dataDir, port) === undefined) {
    throw new LocalPostgresError('DATA_DIR', `The data dir path ${dataDir} is too long for a unix socket in it (107 bytes with ".s.PGSQL.${port}"). Choose a shorter one.`, { dataDir });
  }
  await mkdir(dataDir, { recursive: true });
  if (!existsSync(layout.versionFile) && (await readdir(dataDir)).length > 0) {
    throw new LocalPostgresError('DATA_DIR', `${dataDir} is not empty and holds no PostgreSQL cluster (no PG_VERSION). Choose another data dir or empty it.`, { dataDir });
  }
  if (account !== undefined) await chownTree(dataDir, account);
  await chmod(dataDir, 0o700);
  if (account !== undefined) {
    const probe = await capture('test', ['-w', dataDir, '-a', '-x', dataDir], { account });
    if (probe.code !== 0) {
      throw new LocalPostgresError(
        'DATA_DIR',
        `The "${account.name}" system user cannot reach ${dataDir}: a parent directory is not searchable by it. ` +
          `Choose a data dir under /tmp or /var/lib, or make the parents searchable (chmod o+x).`,
        { dataDir },
      );
    }
  }
}

/**
 * Runs initdb once (UTF-8, C locale, superuser `postgres`, trust authentication).
 * @param {import('./paths.mjs').DataDirLayout} layout
 * @param {import('./binaries.mjs').Binaries} binaries
 * @param {import('./exec.mjs').Account | undefined} account
 * @returns {Promise<boolean>} true when it initialised the cluster now
 */
export async function initClusterOnce(layout, binaries, account) {
  if (existsSync(layout.versionFile)) return false;
  const result = await capture(
    binaries.initdb,
    ['--pgdata', layout.dataDir, '--username', SUPERUSER, '--auth', 'trust', '--encoding', 'UTF8', '--locale', 'C'],
    { account, cwd: layout.dataDir },
  );
  if (result.code !== 0) {
    throw new LocalPostgresError('START_FAILED', `initdb failed (exit ${result.code}) in ${layout.dataDir}:\n${result.output.trim()}`, { dataDir: layout.dataDir });
  }
  return true;
}

/**
 * Rewrites pg_hba.conf (see PG_HBA) and creates an empty log file, both owned by `account`.
 * @param {import('./paths.mjs').DataDirLayout} layout
 * @param {import('./exec.mjs').Account | undefined} account
 */
export async function writeServerFiles(layout, account) {
  await writeFile(layout.hbaFile, PG_HBA, { mode: 0o600 });
  await writeFile(layout.logFile, '', { mode: 0o600 });
  if (account !== undefined) {
    await chown(layout.hbaFile, account.uid, account.gid);
    await chown(layout.logFile, account.uid, account.gid);
  }
}

/**
 * Gives a directory tree to `account`; a no-op when its top already belongs to it.
 * @param {string} dir
 * @param {import('./exec.mjs').Account} account
 */
async function chownTree(dir, account) {
  const top = await lstat(dir);
  if (top.uid === account.uid && top.gid === account.gid) return;
  await chown(dir, account.uid, account.gid);
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    await lchown(join(entry.parentPath, entry.name), account.uid, account.gid);
  }
}
