import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@fluxo/schema';
import { Lakehouse, type CatalogLocation, type SqlEngine } from '@fluxo/lakehouse';
import { TestDuckDBEngine } from '@fluxo/lakehouse/testing';
import type { ParquetEngine } from '@fluxo/parquet-io';
import { CuratedTables, isCatalogBusy } from './curated-tables';
import { LakeData } from './lake-data';
import { openDashboardEngine, quakeRows, tableSpecOf, TEST_DEFINITIONS, testCuratedTables } from './testing/lake-fixtures';
import { earthquakeView } from './views/earthquakes';

const QUAKES = tableSpecOf(TEST_DEFINITIONS.dataset('earthquakes'));
const FETCHED = '2025-05-04T14:00:00Z';

/** A normalizer-like writer on a catalog: its own DuckDB, read-write attach, one commit per call. */
async function openWriter(catalog: CatalogLocation, dataPath: string) {
  const engine = await TestDuckDBEngine.open();
  const lakehouse = await Lakehouse.attach({ engine, catalog, dataPath, logger: silentLogger });
  await lakehouse.ensureTable(QUAKES);
  const commit = async (ids: readonly string[]) => {
    const rows = ids.map((id, index) => ({ id, time: `2025-05-04T1${index % 10}:00:00Z`, updated: `2025-05-04T1${index % 10}:00:00Z`, mag: 1 + index }));
    await engine.run(`CREATE OR REPLACE TEMP TABLE batch AS ${quakeRows(rows, FETCHED)}`);
    await lakehouse.commit('batch', (tx) => lakehouse.appendDistinct(tx, QUAKES, 'batch'));
  };
  return { engine, lakehouse, commit };
}

describe('CuratedTables: the dashboard attaches the catalog read-only, lazily, and follows it', () => {
  let dir: string;
  let engine: ParquetEngine;
  let catalog: CatalogLocation;
  let dataPath: string;
  const closers: (() => Promise<void>)[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fluxo-web-catalog-'));
    catalog = { kind: 'sqlite', path: join(dir, 'catalog', 'fluxo.sqlite') };
    dataPath = join(dir, 'lake', 'curated');
    engine = await openDashboardEngine();
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    await engine.close();
    await rm(dir, { recursive: true, force: true });
  });

  const lakeOver = (tables: CuratedTables) => new LakeData({ root: join(dir, 'lake'), engine: () => Promise.resolve(engine), tables, catalog: () => Promise.resolve(TEST_DEFINITIONS), scanMaxAgeMs: 0 });
  const events = async (lake: LakeData) => {
    const view = await earthquakeView(lake, { window: 'all', minMagnitude: -10 });
    return view.summary.ok ? view.summary.data.events : view.summary.problem;
  };

  it('shows an empty state while the catalog does not exist, and attaches on a later request once it does', async () => {
    const tables = testCuratedTables(engine, catalog, dataPath, { recheckMs: 60_000 });
    closers.push(() => tables.close());
    const lake = lakeOver(tables);
    expect(await events(lake)).toEqual({ kind: 'no-data', message: expect.stringContaining('does not exist') });
    const writer = await openWriter(catalog, dataPath);
    closers.push(() => writer.engine.close());
    await writer.commit(['a', 'b']);
    // Within recheckMs the missing catalog is not looked for again (no probing on every widget)…
    expect((await tables.state()).kind).toBe('absent');
    // …and the next request after it attaches.
    const eager = testCuratedTables(engine, catalog, dataPath);
    closers.push(() => eager.close());
    expect(await events(lakeOver(eager))).toBe(2);
  });

  it('a read-only attach sees every commit made after it attached: each query reads the latest snapshot', async () => {
    const writer = await openWriter(catalog, dataPath);
    closers.push(() => writer.engine.close());
    const tables = testCuratedTables(engine, catalog, dataPath);
    closers.push(() => tables.close());
    const lake = lakeOver(tables);
    expect(await events(lake)).toEqual({ kind: 'no-data', message: expect.stringContaining('no rows') });
    await writer.commit(['a']);
    expect(await events(lake)).toBe(1);
    await writer.commit(['a', 'b', 'c']);
    expect(await events(lake)).toBe(3);
    const listing = await tables.list();
    expect(listing.ok && listing.tables.get('earthquakes')).toMatchObject({ rows: 3, files: 2, latest: 'fluxo."main"."earthquakes_latest"' });
  });

  it('re-attaches when the catalog file is replaced (a new catalog under the same path), never serving the old one', async () => {
    const first = await openWriter(catalog, dataPath);
    await first.commit(['a', 'b', 'c']);
    const tables = testCuratedTables(engine, catalog, dataPath);
    closers.push(() => tables.close());
    const lake = lakeOver(tables);
    expect(await events(lake)).toBe(3);
    await first.engine.close();
    await rm(dir + '/catalog', { recursive: true });
    await rm(dataPath, { recursive: true });
    expect(await events(lake)).toEqual({ kind: 'no-data', message: expect.stringContaining('does not exist') });
    const second = await openWriter(catalog, dataPath);
    closers.push(() => second.engine.close());
    await second.commit(['x']);
    expect(await events(lake)).toBe(1);
  });

  it('follows rows another writer inlined into the catalog (no data file changes): counts and signatures move', async () => {
    const engineW = await TestDuckDBEngine.open();
    closers.push(() => engineW.close());
    await mkdir(join(dir, 'catalog'));
    await engineW.run(`ATTACH 'ducklake:sqlite:${join(dir, 'catalog', 'fluxo.sqlite')}' AS w (DATA_PATH '${dataPath}/')`);
    await engineW.run(`CREATE TABLE w.main.earthquakes (${QUAKES.columns.map((column) => `"${column.name}" ${column.sqlType}`).join(', ')})`);
    const insert = (ids: readonly string[], hour: number) =>
      engineW.run(`INSERT INTO w.main.earthquakes BY NAME ${quakeRows(ids.map((id) => ({ id, time: `2025-05-04T1${hour}:00:00Z`, updated: `2025-05-04T1${hour}:00:00Z`, mag: 2 })), FETCHED)}`);
    await insert(['a', 'b', 'c'], 0);
    const tables = testCuratedTables(engine, catalog, dataPath);
    closers.push(() => tables.close());
    const lake = lakeOver(tables);
    expect(await events(lake)).toBe(3);
    await insert(['d', 'e'], 1);
    expect(await events(lake)).toBe(5);
    const listing = await tables.list();
    expect(listing.ok && listing.tables.get('earthquakes')).toMatchObject({ rows: 5, files: 0 });
  });

  it('retries a read while SQLite reports the catalog locked, a bounded number of times', async () => {
    let failures = 2;
    let calls = 0;
    const flaky: SqlEngine = {
      run: () => Promise.resolve(),
      transaction: () => Promise.reject(new Error('not used')),
      all: <T extends object>() => {
        calls += 1;
        if (failures-- > 0) return Promise.reject(new Error('DuckDB statement failed: IO Error: database is locked'));
        return Promise.resolve([{ n: 1 }] as T[]);
      },
    };
    const tables = new CuratedTables({ engine: () => Promise.resolve(flaky), catalog, dataPath, logger: silentLogger, readAttempts: 4, retryDelayMs: 1 });
    await expect(tables.query('SELECT 1 AS n')).resolves.toEqual([{ n: 1 }]);
    expect(calls).toBe(3);
    failures = 10;
    calls = 0;
    await expect(tables.query('SELECT 1 AS n')).rejects.toThrow('database is locked');
    expect(calls).toBe(4);
    failures = 0;
    calls = 0;
    const broken: SqlEngine = { ...flaky, all: () => ((calls += 1), Promise.reject(new Error('Binder Error: no such column'))) };
    await expect(new CuratedTables({ engine: () => Promise.resolve(broken), catalog, dataPath, logger: silentLogger }).query('SELECT x')).rejects.toThrow('Binder Error');
    expect(calls).toBe(1);
    expect(isCatalogBusy(new Error('wrapped', { cause: new Error('database is locked') }))).toBe(true);
  });

  it('reports a catalog that cannot be opened as a failed query, and retries it later', async () => {
    const tables = new CuratedTables({
      engine: () => Promise.reject(new Error('DuckDB extension ducklake could not be loaded')),
      catalog: { kind: 'postgres', connection: 'dbname=nothing host=127.0.0.1 port=1' },
      dataPath,
      logger: silentLogger,
      recheckMs: 0,
      listMaxAgeMs: 0,
    });
    const listing = await tables.list();
    expect(listing).toMatchObject({ ok: false, problem: { kind: 'query-failed', message: expect.stringContaining('could not be loaded') } });
    expect(await events(lakeOver(tables))).toMatchObject({ kind: 'query-failed' });
  });
});
