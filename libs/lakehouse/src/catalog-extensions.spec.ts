import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@fluxo/schema';
import { parseCatalogLocation } from './catalog-location';
import { Lakehouse } from './lakehouse';
import { catalogExtensions } from './sql-engine';
import { TestDuckDBEngine } from './testing/duckdb-engine';
import { QUAKES_TABLE } from './testing/quakes-table';

/** Issue 8 (idle memory): a long-running app loads ducklake and its own catalog's scanner, not every scanner. */
describe('issue 8: catalogExtensions', () => {
  it('names ducklake and the one scanner of the catalog', () => {
    expect(catalogExtensions(parseCatalogLocation('sqlite:/var/fluxo/catalog.sqlite'))).toEqual(['ducklake', 'sqlite_scanner']);
    expect(catalogExtensions(parseCatalogLocation('postgres:host=db dbname=fluxo'))).toEqual(['ducklake', 'postgres_scanner']);
  });

  it('is enough to attach a SQLite catalog, create a table and commit to it; postgres_scanner stays unloaded', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fluxo-extensions-'));
    const catalog = parseCatalogLocation(`sqlite:${join(dir, 'catalog', 'fluxo.sqlite')}`);
    await using engine = await TestDuckDBEngine.open(undefined, catalogExtensions(catalog));
    try {
      const lakehouse = await Lakehouse.attach({ engine, catalog, dataPath: join(dir, 'lake', 'curated'), logger: silentLogger });
      await lakehouse.ensureTable(QUAKES_TABLE);
      const before = await lakehouse.currentSnapshot();
      await engine.run(`INSERT INTO ${lakehouse.table('quakes')} VALUES ('a', TIMESTAMPTZ '2025-05-04 00:00:00+00', 'a', '1')`);
      expect(await lakehouse.currentSnapshot()).toBeGreaterThan(before);
      expect(await engine.all<{ n: bigint }>(`SELECT count(*) AS n FROM ${lakehouse.table('quakes')}`)).toEqual([{ n: 1n }]);
      expect(await engine.all<{ extension_name: string; loaded: boolean }>(`SELECT extension_name, loaded FROM duckdb_extensions() WHERE extension_name IN ('ducklake', 'sqlite_scanner', 'postgres_scanner') ORDER BY 1`)).toEqual([
        { extension_name: 'ducklake', loaded: true },
        { extension_name: 'postgres_scanner', loaded: false },
        { extension_name: 'sqlite_scanner', loaded: true },
      ]);
      await lakehouse.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
