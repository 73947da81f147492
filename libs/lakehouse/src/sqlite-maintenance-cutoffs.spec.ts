import { collectGarbage, compact } from './maintenance';
import type { TableSpec } from './table-spec';
import { openTestLakehouse, type TestLakehouse } from './testing/test-lakehouse';

const T: TableSpec = {
  name: 't',
  columns: [
    { name: 'k', sqlType: 'VARCHAR' },
    { name: 'at', sqlType: 'TIMESTAMPTZ' },
  ],
  eventTimeColumn: 'at',
  identity: { key: 'k', version: 'k' },
  latest: { entityKey: ['k'], versionColumn: 'k' },
};

/**
 * An SQLite catalog stores snapshot and schedule times as text ('2026-03-20 09:00:00+00') and
 * DuckLake compared `older_than` with them as text ('2026-03-20T08:00…'): every snapshot and every
 * scheduled file of the cutoff's day counted as older. Maintenance then expired all of today's
 * snapshots and deleted merged-away files at once, under readers still using them.
 */
describe('issue 11: maintenance cutoffs on an SQLite catalog', () => {
  let t: TestLakehouse;
  beforeEach(async () => {
    t = await openTestLakehouse();
    await t.lakehouse.ensureTable(T);
    for (const key of ['a', 'b', 'c']) await t.lakehouse.commit(`insert ${key}`, (tx) => tx.run(`INSERT INTO ${t.lakehouse.table('t')} VALUES ('${key}', now())`));
  });
  afterEach(() => t.cleanup());

  it('keeps snapshots younger than the retention and files younger than the grace period', async () => {
    const policy = { targetFileBytes: 64 << 20, snapshotRetentionMs: 3_600_000, fileDeletionGraceMs: 600_000 };
    const snapshotsBefore = (await t.engine.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${t.lakehouse.alias}.snapshots()`))[0]?.n;
    await compact(t.lakehouse, [T], policy); // merges the three files: they are scheduled for deletion now
    const garbage = await collectGarbage(t.lakehouse, policy);
    expect(garbage.expiredSnapshots).toBe(0);
    expect(garbage.unreferencedFiles).toEqual([]);
    const snapshotsAfter = (await t.engine.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${t.lakehouse.alias}.snapshots()`))[0]?.n ?? 0;
    expect(snapshotsAfter).toBeGreaterThan(snapshotsBefore ?? 0); // nothing expired, compaction added its own
  });

  it('a zero retention and grace still expire and delete everything older than now', async () => {
    const policy = { targetFileBytes: 64 << 20, snapshotRetentionMs: 0, fileDeletionGraceMs: 0 };
    await compact(t.lakehouse, [T], policy);
    const garbage = await collectGarbage(t.lakehouse, policy);
    expect(garbage.expiredSnapshots).toBeGreaterThan(0);
    expect(garbage.unreferencedFiles).toHaveLength(3);
  });
});
