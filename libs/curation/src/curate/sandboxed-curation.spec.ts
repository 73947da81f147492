import { join } from 'node:path';
import { compileMapping, curatedTableSpec, silentLogger } from '@fluxo/schema';
import { maintain } from '@fluxo/lakehouse';
import { BatchHarness, catalog, feature } from '../testing/batch-harness';
import { stageRawFile } from './stage-raw-file';

/**
 * Issue 9: the normalizer's DuckDB is sandboxed after the DuckLake catalog is attached (as main.ts
 * does): curation, commits and maintenance still work inside the lake and the catalog folder, and
 * SQL that reads any other file is refused by the engine itself — even SQL that never went through
 * the definition checks.
 */
describe('issue 9: sandboxed curation', () => {
  let h: BatchHarness;
  beforeAll(async () => {
    h = await BatchHarness.open({ sandboxed: true });
  });
  afterAll(() => h.close());

  it('attaches the catalog, then restricts file access to the lake and the catalog folder, locked', () => {
    expect(h.engine.fileSandbox).toEqual({ allowedDirectories: [h.tmp.lake.root, join(h.tmp.dir, 'catalog')] });
  });

  it('curates, commits and announces as before', async () => {
    const outcome = await h.handler().handle([await h.rawRecord('sandboxed-1', [feature('a', 1), feature('b', 1)]), await h.rawRecord('sandboxed-2', [feature('c', 1)])]);
    expect(outcome).toMatchObject({ commits: 1, curatedRows: 3, deadLettered: 0 });
    expect(h.announced).toHaveLength(1);
  });

  it('runs table maintenance (merge, expiry, file deletion) inside the lake', async () => {
    await h.handler().handle([await h.rawRecord('sandboxed-3', [feature('d', 1)])]);
    const table = curatedTableSpec(catalog.dataset('earthquakes'), compileMapping(catalog.source('usgs-earthquakes'), catalog.dataset('earthquakes')));
    const report = await maintain(h.lakehouse, [table], { targetFileBytes: 64 << 20, snapshotRetentionMs: 0, fileDeletionGraceMs: 0 }, silentLogger);
    expect(report.filesAfter).toBeLessThan(report.filesBefore);
    expect(await h.rows<{ n: number }>('count(*)::INTEGER AS n')).toEqual([{ n: 4 }]);
  });

  it("refuses, in the engine, a curation expr that reads /etc/hostname even though no definition check saw it", async () => {
    const source = catalog.source('usgs-earthquakes');
    const dataset = catalog.dataset('earthquakes');
    const mapping = compileMapping(source, dataset);
    const hostile = { ...mapping, columns: mapping.columns.map((c) => (c.name === 'place' ? { ...c, sql: "(SELECT content FROM read_text('/etc/hostname'))" } : c)) };
    const record = await h.rawRecord('hostile-expr', [feature('e', 1)]);
    const { uri } = h.referenceOf(record);
    const staging = stageRawFile(
      { engine: h.engine, lake: h.tmp.lake },
      { rawPath: await h.tmp.lake.resolve(uri), dataset, mapping: hostile, lineage: { source: source.name, rawUri: uri, topic: 't', partition: 0, offset: '0' }, stagingTable: 'stage_hostile' },
    );
    await expect(staging).rejects.toMatchObject({ code: 'ACCESS_DENIED', retriable: false });
  });

  it.each([
    ['read_text', "SELECT content FROM read_text('/etc/hostname')"],
    ['COPY TO', "COPY (SELECT 1) TO '/tmp/fluxo-sandbox-escape.parquet' (FORMAT parquet)"],
    ['ATTACH', "ATTACH '/tmp/fluxo-sandbox-escape.duckdb' AS escape"],
  ])('refuses %s outside the allowed directories', async (_name, sql) => {
    await expect(h.engine.run(sql)).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
  });
});
