#!/usr/bin/env node
// @ts-check
/**
 * A real local PostgreSQL for development and tests — DuckLake's multi-writer catalog — from the system's
 * PostgreSQL binaries (Debian: apt-get install postgresql). No Docker, no system service: the cluster
 * lives in a data dir of our choosing and the server runs only while we want it.
 *
 * From code (test runners):
 *
 *   const pg = await startPostgres({ port: 39432, dataDir: await mkdtemp(join(tmpdir(), 'pg-')) });
 *   process.env.FLUXO_TEST_POSTGRES = pg.connectionString; // dbname=fluxo host=127.0.0.1 port=39432 user=postgres
 *   … await pg.stop();
 *
 * From a shell:
 *
 *   node tools/local-postgres/postgres.mjs start [--port 55432] [--data-dir .fluxo/postgres]
 *   node tools/local-postgres/postgres.mjs stop [--data-dir DIR]
 *   node tools/local-postgres/postgres.mjs status [--data-dir DIR]
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runCli } from './src/cli.mjs';

export { startPostgres, stopPostgres, postgresStatus, resolveDataDir } from './src/server.mjs';
export { findBinaries, BIN_DIR_ENV } from './src/binaries.mjs';
export { connectionInfo } from './src/connection.mjs';
export { LocalPostgresError } from './src/errors.mjs';
export { DEFAULT_DATA_DIR, DEFAULT_DATABASE, DEFAULT_PORT } from './src/paths.mjs';

/** True when this file is the program node runs, not a module someone imports. */
function invokedDirectly() {
  const invoked = process.argv[1];
  if (invoked === undefined) return false;
  try {
    return realpathSync(invoked) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (invokedDirectly()) runCli(process.argv.slice(2));
