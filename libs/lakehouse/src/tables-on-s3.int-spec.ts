/**
 * Issue 12, part 4: curated tables whose data files live on S3-compatible storage (DuckLake's
 * DATA_PATH on s3://, the catalog a local SQLite file), against the real Versity S3 Gateway
 * `npm test` starts (FLUXO_TEST_S3_*; fails, never skips, without it).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger, sqlString, type S3LakeStorage } from '@fluxo/schema';
import { testS3LakeStorage } from '@fluxo/schema/testing';
import { Lakehouse } from './lakehouse';
import { maintain } from './maintenance';
import { TestDuckDBEngine } from './testing/duckdb-engine';
import { QUAKES_TABLE } from './testing/quakes-table';

const QUAKES = QUAKES_TABLE;

/** An engine with httpfs and the lake's credentials (what parquet-io's S3Lake.open registers in the apps). */
async function engineFor(storage: S3LakeStorage): Promise<TestDuckDBEngine> {
  const engine = await TestDuckDBEngine.open();
  await engine.run('LOAD httpfs');
  await engine.run(
    `CREATE SECRET lake (TYPE s3, KEY_ID ${sqlString(storage.accessKeyId)}, SECRET ${sqlString(storage.secretAccessKey)}, REGION ${sqlString(storage.region)}, ` +
      `ENDPOINT ${sqlString(storage.endpoint ?? '')}, URL_STYLE 'path', USE_SSL false, SCOPE ${sqlString(`${storage.root}/`)})`,
  );
  return engine;
}

async function commitBatch(engine: TestDuckDBEngine, lakehouse: Lakehouse, rows: ReadonlyArray<readonly [string, string, string]>): Promise<number> {
  const values = rows.map(([key, version, day]) => `('${key}', TIMESTAMPTZ '${day} 12:00:00+00', '${key}', '${version}')`);
  await engine.run(`CREATE OR REPLACE TEMP TABLE batch AS SELECT * FROM (VALUES ${values.join(', ')}) v(event_id, event_time, _record_key, _record_version)`);
  return lakehouse.commit('batch', (tx) => lakehouse.appendDistinct(tx, QUAKES, 'batch'));
}

describe('issue 12: curated tables with their data files on S3 (real Versity S3 Gateway)', () => {
  it('commits, reads back from a second engine, lists s3:// files, and compacts and collects garbage on the object store', async () => {
    const storage = testS3LakeStorage('lakehouse');
    const dir = await mkdtemp(join(tmpdir(), 'fluxo-lakehouse-s3-'));
    const catalog = { kind: 'sqlite' as const, path: join(dir, 'catalog', 'fluxo.sqlite') };
    const dataPath = `${storage.root}/curated/`;
    const writer = await engineFor(storage);
    const reader = await engineFor(storage);
    try {
      const lakehouse = await Lakehouse.attach({ engine: writer, catalog, dataPath, logger: silentLogger });
      await lakehouse.ensureTable(QUAKES);
      expect(await commitBatch(writer, lakehouse, [['a', '1', '2026-01-01'], ['b', '1', '2026-01-02']])).toBe(2);
      expect(await commitBatch(writer, lakehouse, [['a', '1', '2026-01-01'], ['a', '2', '2026-01-01'], ['c', '1', '2026-01-02']])).toBe(2);

      const files = await lakehouse.dataFiles('quakes');
      expect(files.length).toBeGreaterThanOrEqual(2);
      for (const file of files) expect(file.path.startsWith(`${storage.root}/curated/main/quakes/`)).toBe(true);
      const fromFiles = await writer.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM read_parquet([${files.map((f) => sqlString(f.path)).join(', ')}])`);
      expect(fromFiles).toEqual([{ n: 4 }]);

      const readOnly = await Lakehouse.attach({ engine: reader, catalog, dataPath, logger: silentLogger, readOnly: true, alias: 'dashboard' });
      const latest = await reader.all<{ k: string; v: string }>(`SELECT _record_key AS k, _record_version AS v FROM ${readOnly.table('quakes_latest')} ORDER BY 1`);
      expect(latest).toEqual([
        { k: 'a', v: '2' },
        { k: 'b', v: '1' },
        { k: 'c', v: '1' },
      ]);

      const report = await maintain(lakehouse, [QUAKES], { targetFileBytes: 64 << 20, snapshotRetentionMs: 0, fileDeletionGraceMs: 0 }, silentLogger);
      expect(report.filesAfter).toBeLessThan(report.filesBefore);
      const after = await lakehouse.dataFiles('quakes');
      const gone = files.filter((file) => !after.some((kept) => kept.path === file.path));
      expect(gone.length).toBeGreaterThan(0);
      // the merged-away objects are deleted from the bucket, not only from the catalog
      const remaining = await writer.all<{ file: string }>(`SELECT file FROM glob(${sqlString(`${storage.root}/curated/main/quakes/**`)})`);
      for (const file of gone) expect(remaining.map((r) => r.file)).not.toContain(file.path);
      expect(await writer.all(`SELECT count(*)::INTEGER AS n FROM ${lakehouse.table('quakes')}`)).toEqual([{ n: 4 }]);
    } finally {
      await reader.close();
      await writer.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
