/**
 * Issue 8 (idle memory): with a PostgreSQL catalog the normalizer loads `ducklake` and
 * `postgres_scanner` only (`catalogExtensions`); this attaches, creates a table and commits with
 * exactly those. Needs FLUXO_TEST_POSTGRES (a libpq string; `npm test` starts a server) and fails,
 * never skips, without it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@fluxo/schema';
import type { CatalogLocation } from './catalog-location';
import { Lakehouse } from './lakehouse';
import { catalogExtensions } from './sql-engine';
import { TestDuckDBEngine } from './testing/duckdb-engine';
import { QUAKES_TABLE } from './testing/quakes-table';

function testPostgres(): string {
  const value = process.env['FLUXO_TEST_POSTGRES']?.trim();
  if (value === undefined || value === '') throw new Error('FLUXO_TEST_POSTGRES is not set: npm test starts PostgreSQL and passes its connection string');
  return value;
}

describe('issue 8: catalogExtensions on a PostgreSQL catalog', () => {
  it('attaches, creates a table and commits with ducklake and postgres_scanner only', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fluxo-extensions-pg-'));
    const catalog: CatalogLocation = { kind: 'postgres', connection: testPostgres() };
    await using engine = await TestDuckDBEngine.open(undefined, catalogExtensions(catalog));
    try {
      const lakehouse = await Lakehouse.attach({ engine, catalog, dataPath: join(dir, 'curated'), metadataSchema: `extensions_${randomBytes(4).toString('hex')}`, logger: silentLogger });
      await lakehouse.ensureTable(QUAKES_TABLE);
      await engine.run(`INSERT INTO ${lakehouse.table('quakes')} VALUES ('a', TIMESTAMPTZ '2025-05-04 00:00:00+00', 'a', '1')`);
      expect(await engine.all<{ n: bigint }>(`SELECT count(*) AS n FROM ${lakehouse.table('quakes')}`)).toEqual([{ n: 1n }]);
      expect(await engine.all<{ extension_name: string; loaded: boolean }>(`SELECT extension_name, loaded FROM duckdb_extensions() WHERE extension_name IN ('ducklake', 'sqlite_scanner', 'postgres_scanner') ORDER BY 1`)).toEqual([
        { extension_name: 'ducklake', loaded: true },
        { extension_name: 'postgres_scanner', loaded: true },
        { extension_name: 'sqlite_scanner', loaded: false },
      ]);
      await lakehouse.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
