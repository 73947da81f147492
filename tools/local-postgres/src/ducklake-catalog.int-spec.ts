/**
 * DuckLake with its catalog in a real PostgreSQL: what the normalizer's curated tables rely on, and what
 * two writers see when they commit to the same table at the same time.
 *
 * Needs FLUXO_TEST_POSTGRES, a libpq connection string (`npm test` starts a server and sets it; by hand:
 * `node tools/local-postgres/postgres.mjs start` prints one), and the DuckDB extensions in
 * .fluxo/duckdb-extensions (`node tools/duckdb-extensions/extensions.mjs`). Each test uses its own
 * catalog schema and data path, dropped afterwards.
 *
 * Observed with DuckDB 1.5.5, ducklake d8a1881e, postgres_scanner 41223e5, PostgreSQL 15:
 *  - Every commit inserts the next `snapshot_id` into the catalog's `ducklake_snapshot` table; a writer whose
 *    snapshot went stale hits that primary key. DuckLake then retries the commit itself
 *    (`ducklake_max_retry_count` 10, `ducklake_retry_wait_ms` 100, `ducklake_retry_backoff` 1.5) after
 *    checking for logical conflicts. Two appends to one table never conflict logically: both commit.
 *  - With the retries off the stale commit fails with the PostgreSQL duplicate-key error inside DuckLake's
 *    "Exceeded the maximum retry count" message; the transaction is rolled back and its Parquet file is
 *    removed; running the transaction again succeeds.
 *  - Logical conflicts are never retried by DuckLake, e.g. an append after a concurrent delete on the same
 *    table; running the transaction again succeeds.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

const POSTGRES_ENV = 'FLUXO_TEST_POSTGRES';
const EXTENSION_DIR = process.env['FLUXO_DUCKDB_EXTENSION_DIR'] ?? join(__dirname, '..', '..', '..', '.fluxo', 'duckdb-extensions');

/** The libpq connection string of the test server; fails (never skips) without one. */
function testPostgres(): string {
  const value = process.env[POSTGRES_ENV]?.trim();
  if (value === undefined || value === '') {
    throw new Error(
      `${POSTGRES_ENV} is not set. These tests need a real PostgreSQL: start one with \`node tools/local-postgres/postgres.mjs start\` ` +
        `and run them with ${POSTGRES_ENV}='dbname=fluxo host=127.0.0.1 port=55432 user=postgres' (or use \`npm test\`, which starts its own).`,
    );
  }
  return value;
}

const sqlString = (value: string): string => `'${value.replaceAll("'", "''")}'`;

/** One DuckDB instance attached to the lake: an independent writer, as a second process would be. */
interface Writer {
  readonly connection: DuckDBConnection;
  run(sql: string): Promise<void>;
  rows(sql: string): Promise<Record<string, unknown>[]>;
  close(): void;
}

/** A DuckLake of its own: a fresh catalog schema in the test PostgreSQL and a fresh data path. */
interface Lake extends AsyncDisposable {
  readonly metadataSchema: string;
  readonly dataPath: string;
  writer(): Promise<Writer>;
  /** Parquet files under the data path. */
  parquetFiles(): Promise<string[]>;
}

async function openDuckDB(): Promise<{ instance: DuckDBInstance; connection: DuckDBConnection }> {
  const instance = await DuckDBInstance.create(':memory:', {
    extension_directory: EXTENSION_DIR,
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  });
  const connection = await instance.connect();
  try {
    await connection.run('LOAD ducklake; LOAD postgres_scanner;');
  } catch (error) {
    connection.closeSync();
    instance.closeSync();
    throw new Error(`DuckDB extensions missing in ${EXTENSION_DIR}: run \`node tools/duckdb-extensions/extensions.mjs\` (${String(error)})`);
  }
  return { instance, connection };
}

async function createLake(postgres: string): Promise<Lake> {
  const metadataSchema = `ducklake_test_${randomBytes(6).toString('hex')}`;
  const dataPath = `${await mkdtemp(join(tmpdir(), 'fluxo-ducklake-'))}/`;
  const writers: Writer[] = [];

  const writer = async (): Promise<Writer> => {
    const { instance, connection } = await openDuckDB();
    await connection.run(
      `ATTACH ${sqlString(`ducklake:postgres:${postgres}`)} AS lake (DATA_PATH ${sqlString(dataPath)}, DATA_INLINING_ROW_LIMIT 0, METADATA_SCHEMA ${sqlString(metadataSchema)})`,
    );
    const opened: Writer = {
      connection,
      run: async (sql) => {
        await connection.run(sql);
      },
      rows: async (sql) => (await connection.runAndReadAll(sql)).getRowObjectsJson(),
      close: () => {
        connection.closeSync();
        instance.closeSync();
      },
    };
    writers.push(opened);
    return opened;
  };

  const dispose = async (): Promise<void> => {
    for (const opened of writers.splice(0)) opened.close();
    const { instance, connection } = await openDuckDB();
    try {
      await connection.run(`ATTACH ${sqlString(postgres)} AS catalog_admin (TYPE postgres)`);
      await connection.run(`CALL postgres_execute('catalog_admin', ${sqlString(`DROP SCHEMA IF EXISTS ${metadataSchema} CASCADE`)})`);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
    await rm(dataPath, { recursive: true, force: true });
  };

  const parquetFiles = async (): Promise<string[]> =>
    (await readdir(dataPath, { recursive: true })).filter((name) => name.endsWith('.parquet')).sort();

  return { metadataSchema, dataPath, writer, parquetFiles, [Symbol.asyncDispose]: dispose };
}

/** Runs `sql` and returns the error message it fails with (fails the test if it succeeds). */
async function failure(writer: Writer, sql: string): Promise<string> {
  try {
    await writer.run(sql);
  } catch (error) {
    // Not `instanceof Error`: DuckDB's errors come from outside jest's sandbox realm.
    return typeof error === 'object' && error !== null && 'message' in error ? String(error.message) : String(error);
  }
  throw new Error(`expected "${sql}" to fail, but it succeeded`);
}

const ids = async (writer: Writer): Promise<number[]> => (await writer.rows('SELECT id FROM lake.t ORDER BY id')).map((row) => Number(row['id']));

/** The stale writer's commit error with retries off (`…` parts vary: schema name, snapshot id, SQL text). */
const SNAPSHOT_CONFLICT = new RegExp(
  [
    '^TransactionContext Error: Failed to commit: Failed to commit DuckLake transaction\\.\\n',
    'Exceeded the maximum retry count of 0 set by the ducklake_max_retry_count setting\\.\\n',
    '\\. Consider increasing the value with: e\\.g\\., "SET ducklake_max_retry_count = 0;"\\n',
    'Failed to flush changes into DuckLake: Failed to execute query "INSERT INTO "ducklake_test_[0-9a-f]+"\\.ducklake_snapshot VALUES [\\s\\S]*": ',
    'ERROR:  duplicate key value violates unique constraint "ducklake_snapshot_pkey"\\n',
    'DETAIL:  Key \\(snapshot_id\\)=\\(\\d+\\) already exists\\.',
  ].join(''),
);

describe('DuckLake on the local PostgreSQL catalog', () => {
  let postgres: string;

  beforeAll(() => {
    postgres = testPostgres();
  });

  it('creates a table, inserts and reads back; a new DuckDB instance sees the same table through the catalog', async () => {
    await using lake = await createLake(postgres);
    const writer = await lake.writer();
    await writer.run('CREATE TABLE lake.t (id INTEGER, v VARCHAR)');
    await writer.run("INSERT INTO lake.t VALUES (1, 'one'), (2, 'two')");

    expect(await writer.rows('SELECT id, v FROM lake.t ORDER BY id')).toEqual([
      { id: 1, v: 'one' },
      { id: 2, v: 'two' },
    ]);
    expect(await lake.parquetFiles()).toEqual([expect.stringMatching(/^main\/t\/ducklake-[0-9a-f-]+\.parquet$/)]);
    const reader = await lake.writer();
    expect(await ids(reader)).toEqual([1, 2]);
  });

  it('two writers appending to one table both commit: DuckLake retries the stale commit itself', async () => {
    await using lake = await createLake(postgres);
    const a = await lake.writer();
    const b = await lake.writer();
    await a.run('CREATE TABLE lake.t (id INTEGER, writer VARCHAR)');

    // Deterministic: B's transaction starts before A commits, so B commits on a stale snapshot.
    await a.run('BEGIN');
    await b.run('BEGIN');
    await a.run("INSERT INTO lake.t VALUES (1, 'a')");
    await b.run("INSERT INTO lake.t VALUES (2, 'b')");
    await a.run('COMMIT');
    await b.run('COMMIT');

    // Racing: both COMMITs in flight at once, five times.
    for (let round = 0; round < 5; round += 1) {
      await a.run('BEGIN');
      await b.run('BEGIN');
      await a.run(`INSERT INTO lake.t SELECT 100 + ${round} * 10 + i, 'a' FROM range(3) r(i)`);
      await b.run(`INSERT INTO lake.t SELECT 200 + ${round} * 10 + i, 'b' FROM range(3) r(i)`);
      await Promise.all([a.run('COMMIT'), b.run('COMMIT')]);
    }

    expect(await a.rows("SELECT writer, count(*)::INTEGER AS n FROM lake.t GROUP BY writer ORDER BY writer")).toEqual([
      { writer: 'a', n: 16 },
      { writer: 'b', n: 16 },
    ]);
    // One snapshot per commit: 0 (catalog created), 1 (table), then 2 + 2 × 5 appends.
    expect(await b.rows("SELECT count(*)::INTEGER AS n FROM ducklake_snapshots('lake')")).toEqual([{ n: 14 }]);
    expect((await lake.parquetFiles()).length).toBe(12);
  });

  it('with ducklake_max_retry_count = 0 the stale commit fails on the snapshot primary key, is rolled back, and succeeds when run again', async () => {
    await using lake = await createLake(postgres);
    const a = await lake.writer();
    const b = await lake.writer();
    await a.run('CREATE TABLE lake.t (id INTEGER)');
    await b.run('SET ducklake_max_retry_count = 0');

    await a.run('BEGIN');
    await b.run('BEGIN');
    await a.run('INSERT INTO lake.t VALUES (1)');
    await b.run('INSERT INTO lake.t VALUES (2)');
    await a.run('COMMIT');
    const message = await failure(b, 'COMMIT');

    expect(message).toMatch(SNAPSHOT_CONFLICT);
    expect(await failure(b, 'ROLLBACK')).toBe('TransactionContext Error: cannot rollback - no transaction is active');
    expect(await ids(b)).toEqual([1]);
    expect((await lake.parquetFiles()).length).toBe(1); // B's file was deleted with its transaction

    await b.run('BEGIN; INSERT INTO lake.t VALUES (2); COMMIT');
    expect(await ids(a)).toEqual([1, 2]);
  });

  it('a logical conflict is not retried by DuckLake: an append after a concurrent delete fails at commit, and succeeds when run again', async () => {
    await using lake = await createLake(postgres);
    const a = await lake.writer();
    const b = await lake.writer();
    await a.run('CREATE TABLE lake.t (id INTEGER)');
    await a.run('INSERT INTO lake.t VALUES (1), (2)');

    await a.run('BEGIN');
    await b.run('BEGIN');
    await a.run('DELETE FROM lake.t WHERE id = 1');
    await b.run('INSERT INTO lake.t VALUES (3)');
    await a.run('COMMIT');
    const message = await failure(b, 'COMMIT');

    expect(message).toBe(
      'TransactionContext Error: Failed to commit: Failed to commit DuckLake transaction.\n' +
        'Transaction conflict - attempting to insert into table with index "1" - but another transaction has deleted from it',
    );
    expect(await ids(b)).toEqual([2]);

    await b.run('BEGIN; INSERT INTO lake.t VALUES (3); COMMIT');
    expect(await ids(a)).toEqual([2, 3]);
  });
});
