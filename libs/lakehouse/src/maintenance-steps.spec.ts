import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { applyRetention, collectGarbage, compact, type MaintenancePolicy } from './maintenance';
import { openTestLakehouse, type TestLakehouse } from './testing/test-lakehouse';
import { QUAKES_TABLE } from './testing/quakes-table';

const QUAKES = QUAKES_TABLE;

const POLICY: MaintenancePolicy = { targetFileBytes: 64 << 20, snapshotRetentionMs: 0, fileDeletionGraceMs: 0, retentionMs: { quakes: 30 * 86_400_000 } };

describe('maintenance steps (what `fluxo compact` and `fluxo gc` run)', () => {
  let t: TestLakehouse;
  beforeEach(async () => {
    t = await openTestLakehouse();
    await t.lakehouse.ensureTable(QUAKES);
    // Three small commits: two today, one a year old (past the 30-day retention).
    for (const [key, when] of [['a', "date_trunc('day', now()) + INTERVAL 1 MINUTE"], ['b', "date_trunc('day', now()) + INTERVAL 2 MINUTE"], ['old', "now() - INTERVAL 365 DAY"]] as const) {
      await t.lakehouse.commit(`insert ${key}`, (tx) => tx.run(`INSERT INTO ${t.lakehouse.table('quakes')} VALUES ('${key}', ${when}, '${key}', '1')`));
    }
  });
  afterEach(async () => {
    await t.cleanup();
  });

  const rows = async () => (await t.engine.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${t.lakehouse.table('quakes')}`))[0]?.n;
  const files = async () => (await t.lakehouse.dataFiles('quakes')).length;
  const onDisk = async (): Promise<number> => {
    const root = join(t.dir, 'lake', 'curated');
    const walk = async (dir: string): Promise<number> => {
      let count = 0;
      for (const entry of await readdir(dir, { withFileTypes: true })) count += entry.isDirectory() ? await walk(join(dir, entry.name)) : entry.name.endsWith('.parquet') ? 1 : 0;
      return count;
    };
    return walk(root);
  };

  it('a dry run of each step reports and changes nothing', async () => {
    expect(await applyRetention(t.lakehouse, [QUAKES], POLICY, { dryRun: true })).toEqual({ rows: 1, byTable: { quakes: 1 } });
    const compaction = await compact(t.lakehouse, [QUAKES], POLICY, { dryRun: true });
    expect(compaction.tables).toEqual([{ table: 'quakes', filesBefore: 3, filesWithDeletes: 0, smallFiles: 3, filesAfter: null }]);
    const garbage = await collectGarbage(t.lakehouse, POLICY, { dryRun: true });
    expect(garbage.dryRun).toBe(true);
    expect(garbage.expiredSnapshots).toBeGreaterThan(0);
    expect(await rows()).toBe(3);
    expect(await files()).toBe(3);
    expect(await onDisk()).toBe(3);
  });

  it('retention, compaction and garbage collection, step by step', async () => {
    expect((await applyRetention(t.lakehouse, [QUAKES], POLICY)).rows).toBe(1);
    expect(await rows()).toBe(2);
    const compaction = await compact(t.lakehouse, [QUAKES], POLICY);
    expect(compaction.tables[0]).toMatchObject({ filesBefore: 2, filesAfter: 1 }); // the old file left with its last row; today's two merge
    const garbage = await collectGarbage(t.lakehouse, POLICY);
    expect(garbage.unreferencedFiles.length).toBeGreaterThan(0);
    expect(await rows()).toBe(2);
    expect(await onDisk()).toBe(await files());
  });
});
