import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A fresh database on the run's PostgreSQL (FLUXO_TEST_POSTGRES), for one test's catalog. */
export interface TestDatabase {
  /** `postgres:<libpq string>`: a `FLUXO_CATALOG` value. */
  readonly catalog: string;
  drop(): Promise<void>;
}

/** Creates `fluxo_e2e_<random>` with the PostgreSQL client tools; fails (never skips) without FLUXO_TEST_POSTGRES. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const connection = process.env['FLUXO_TEST_POSTGRES']?.trim();
  if (connection === undefined || connection === '') {
    throw new Error('FLUXO_TEST_POSTGRES is not set: start PostgreSQL with `node tools/local-postgres/postgres.mjs start` and pass its connection string (npm test does this)');
  }
  const fields = new Map(connection.split(/\s+/).map((pair) => pair.split('=', 2) as [string, string]));
  const args = ['-h', fields.get('host') ?? '127.0.0.1', '-p', fields.get('port') ?? '5432', '-U', fields.get('user') ?? 'postgres'];
  const name = `fluxo_e2e_${randomBytes(5).toString('hex')}`;
  await run('createdb', [...args, name]);
  const others = [...fields].filter(([key]) => key !== 'dbname').map(([key, value]) => `${key}=${value}`);
  return {
    catalog: `postgres:${['dbname=' + name, ...others].join(' ')}`,
    drop: async () => void (await run('dropdb', [...args, '--force', '--if-exists', name])),
  };
}
