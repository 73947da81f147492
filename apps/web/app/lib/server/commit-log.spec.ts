import { LINEAGE_SQL_TYPES } from '@fluxo/schema';
import type { TableSpec } from '@fluxo/lakehouse';
import { CommitLog } from './commit-log';
import { createTestLake, quakeRows, type TestLake } from './testing/lake-fixtures';

const OTHER: TableSpec = {
  name: 'other',
  columns: [{ name: 'id', sqlType: 'VARCHAR' }, { name: 'at', sqlType: 'TIMESTAMPTZ' }, ...LINEAGE_SQL_TYPES],
  eventTimeColumn: 'at',
  identity: { key: '_record_key', version: '_record_version' },
  latest: { entityKey: ['id'], versionColumn: '_fetched_at' },
};
const otherRows = (ids: readonly string[]) =>
  `SELECT id, TIMESTAMPTZ '2025-05-04 10:00:00+00' AS at, 'src' AS _source, id AS _record_key, '1' AS _record_version, TIMESTAMPTZ '2025-05-04 10:00:00+00' AS _fetched_at
   FROM (VALUES ${ids.map((id) => `('${id}')`).join(', ')}) AS v(id)`;

describe('CommitLog: insert commits per table from the catalog', () => {
  let t: TestLake;
  beforeEach(async () => {
    t = await createTestLake();
  });
  afterEach(() => t[Symbol.asyncDispose]());

  const read = async (log: CommitLog) => {
    const listing = await t.tables.list();
    if (!listing.ok) throw new Error(listing.problem.message);
    return log.read(listing.lakehouse, listing.epoch, listing.tables, listing.snapshot, (sql) => t.lake.query(sql), Date.now());
  };
  const rowsOf = (result: Awaited<ReturnType<CommitLog['read']>>, table: string) => (result.commits.get(table) ?? []).map((commit) => commit.measure?.rows);

  it('keeps the commits of a table created after the listing it read with, and is not held up by a dropped table', async () => {
    await t.commit('earthquakes', quakeRows([{ id: 'a', time: '2025-05-04T10:00:00Z', updated: '2025-05-04T10:00:00Z', mag: 1 }], '2025-05-04T10:00:00Z'));
    const log = new CommitLog(30 * 60_000, 50);
    const stale = await t.tables.list();
    if (!stale.ok) throw new Error('no listing');
    await t.commit('other', otherRows(['x', 'y']), OTHER);
    // Read with the listing from before the new table: its commit waits for a listing that shows it.
    const early = await log.read(stale.lakehouse, stale.epoch, stale.tables, stale.snapshot, (sql) => t.lake.query(sql), Date.now());
    expect(rowsOf(early, 'earthquakes')).toEqual([1]);
    expect(early.commits.has('other')).toBe(false);
    expect(rowsOf(await read(log), 'other')).toEqual([2]);

    await t.writer.lakehouse.commit('drop', (tx) => tx.run(`DROP TABLE ${t.writer.lakehouse.table('other')}`));
    await t.commit('earthquakes', quakeRows([{ id: 'b', time: '2025-05-04T11:00:00Z', updated: '2025-05-04T11:00:00Z', mag: 2 }], '2025-05-04T10:00:00Z'));
    const after = await read(log);
    expect(after.commits.has('other')).toBe(false);
    expect(rowsOf(after, 'earthquakes')).toEqual([1, 1]);
  });
});
