// @ts-check
/** Port checks before start; "ready" means a real query over TCP succeeds; the database is created once. */
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { capture, cleanEnv } from './exec.mjs';
import { LocalPostgresError } from './errors.mjs';

/**
 * @param {number} port
 * @param {string} host
 * @returns {Promise<boolean>}
 */
export function isPortFree(port, host) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * Runs SQL with psql over TCP as the superuser (trust authentication; never prompts for a password).
 * @param {import('./binaries.mjs').Binaries} binaries
 * @param {{ host: string, port: number, user: string }} target
 * @param {string} database
 * @param {string} sql
 * @returns {Promise<import('./exec.mjs').Captured>}
 */
export function psql(binaries, target, database, sql) {
  return capture(
    binaries.psql,
    ['--no-psqlrc', '--no-password', '--quiet', '--tuples-only', '--no-align', '--set', 'ON_ERROR_STOP=1', '--host', target.host, '--port', String(target.port), '--username', target.user, '--dbname', database, '--command', sql],
    { env: cleanEnv({ PGCONNECT_TIMEOUT: '10' }) },
  );
}

/**
 * Polls `SELECT 1` every 250 ms until it succeeds, the deadline passes or `gaveUp()` names a reason to stop
 * (the server exited). Rejects with the last psql error.
 * @param {import('./binaries.mjs').Binaries} binaries
 * @param {{ host: string, port: number, user: string }} target
 * @param {{ timeoutMs: number, gaveUp: () => string | undefined }} options
 */
export async function waitUntilReady(binaries, target, options) {
  const deadline = Date.now() + options.timeoutMs;
  let last = 'no attempt yet';
  for (;;) {
    const reason = options.gaveUp();
    if (reason !== undefined) throw new Error(reason);
    const result = await psql(binaries, target, 'postgres', 'SELECT 1');
    if (result.code === 0) return;
    last = result.output.trim() || `psql exited with ${result.code}`;
    if (Date.now() >= deadline) throw new Error(`no answer on ${target.host}:${target.port} within ${options.timeoutMs} ms (last psql error: ${last})`);
    await sleep(250);
  }
}

/**
 * Creates `database` unless it exists. Names are plain lower-case identifiers, so no quoting is needed.
 * @param {import('./binaries.mjs').Binaries} binaries
 * @param {{ host: string, port: number, user: string }} target
 * @param {string} database
 * @returns {Promise<boolean>} true when it created the database now
 */
export async function ensureDatabase(binaries, target, database) {
  const exists = await psql(binaries, target, 'postgres', `SELECT 1 FROM pg_database WHERE datname = '${database}'`);
  if (exists.code !== 0) throw new LocalPostgresError('COMMAND_FAILED', `Could not list databases: ${exists.output.trim()}`, { port: target.port });
  if (exists.output.trim() === '1') return false;
  const created = await psql(binaries, target, 'postgres', `CREATE DATABASE ${database}`);
  if (created.code !== 0) throw new LocalPostgresError('COMMAND_FAILED', `CREATE DATABASE ${database} failed: ${created.output.trim()}`, { port: target.port });
  return true;
}
