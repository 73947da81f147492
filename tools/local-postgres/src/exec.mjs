// @ts-check
/** Running PostgreSQL's programs: as the `postgres` system user when we are root, with a clean environment. */
import { execFileSync, spawn } from 'node:child_process';
import { LocalPostgresError } from './errors.mjs';

/** The system user Debian's `postgresql` package creates; PostgreSQL refuses to run as root. */
export const SERVER_ACCOUNT_NAME = 'postgres';

/**
 * @typedef {object} Account
 * @property {string} name
 * @property {number} uid
 * @property {number} gid
 */

/**
 * Who runs initdb and the server: the `postgres` system user when this process is root, else
 * this process's own user (undefined: no uid switch).
 * @returns {Account | undefined}
 */
export function serverAccount() {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const uid = Number(execFileSync('id', ['-u', SERVER_ACCOUNT_NAME], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    const gid = Number(execFileSync('id', ['-g', SERVER_ACCOUNT_NAME], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    if (Number.isInteger(uid) && Number.isInteger(gid) && uid > 0) return { name: SERVER_ACCOUNT_NAME, uid, gid };
  } catch {
    // no such user: reported below
  }
  throw new LocalPostgresError(
    'NO_SERVER_ACCOUNT',
    `PostgreSQL refuses to run as root and there is no "${SERVER_ACCOUNT_NAME}" system user to run it as. ` +
      `Install Debian's server package, which creates it: apt-get install postgresql (or run as a normal user).`,
  );
}

/**
 * The environment for PostgreSQL's programs: PATH and a fixed locale only, so no inherited PG* variable
 * (PGDATA, PGPORT, PGHOST, PGSERVICE…) or ~/.psqlrc changes what they do.
 * @param {Record<string, string>} [extra]
 * @returns {NodeJS.ProcessEnv}
 */
export function cleanEnv(extra = {}) {
  return { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LC_ALL: 'C', ...extra };
}

/**
 * @typedef {object} Captured
 * @property {number | null} code  exit code, null when killed by a signal
 * @property {string} output       stdout and stderr interleaved
 */

/**
 * Runs a program to completion and captures its output; as `account` when given.
 * @param {string} command
 * @param {readonly string[]} args
 * @param {{ account?: Account, cwd?: string, env?: NodeJS.ProcessEnv }} [options]
 * @returns {Promise<Captured>}
 */
export function capture(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? '/',
      env: options.env ?? cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.account ? { uid: options.account.uid, gid: options.account.gid } : {}),
    });
    /** @type {Buffer[]} */
    const chunks = [];
    child.stdout.on('data', (chunk) => chunks.push(chunk));
    child.stderr.on('data', (chunk) => chunks.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output: Buffer.concat(chunks).toString('utf8') }));
  });
}
