import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ConsumerProgress } from './consumer-progress';
import { maintain } from './maintenance';
import type { TableSpec } from './table-spec';
import { QUAKES_TABLE } from './testing/quakes-table';
import { openTestLakehouse, type TestLakehouse } from './testing/test-lakehouse';

/** The shared fixture plus a magnitude, the value these specs change between versions. */
const QUAKES: TableSpec = { ...QUAKES_TABLE, columns: [...QUAKES_TABLE.columns, { name: 'magnitude', sqlType: 'DOUBLE' }] };

/** A temp table `batch` holding (key, version, day, magnitude) rows. */
async function stageBatch(t: TestLakehouse, rows: ReadonlyArray<readonly [string, string, string, number]>): Promise<void> {
  const values = rows.map(([key, version, day, magnitude]) => `('${key}', TIMESTAMPTZ '${day} 12:00:00+00', ${magnitude}, '${key}', '${version}')`);
  await t.engine.run(`CREATE OR REPLACE TEMP TABLE batch (event_id VARCHAR, event_time TIMESTAMPTZ, magnitude DOUBLE, _record_key VARCHAR, _record_version VARCHAR)`);
  await t.engine.run(`INSERT INTO batch VALUES ${values.join(', ')}`);
}

describe('Lakehouse (DuckLake on an SQLite catalog)', () => {
  let t: TestLakehouse;
  beforeEach(async () => {
    t = await openTestLakehouse();
    await t.lakehouse.ensureTable(QUAKES);
  });
  afterEach(async () => {
    await t.cleanup();
  });

  it('appends each (key, version) once across commits and within a batch', async () => {
    await stageBatch(t, [
      ['a', '1', '2026-01-01', 1.5],
      ['a', '1', '2026-01-01', 1.5],
      ['b', '1', '2026-01-02', 2.5],
    ]);
    expect(await t.lakehouse.commit('first', (tx) => t.lakehouse.appendDistinct(tx, QUAKES, 'batch'))).toBe(2);
    await stageBatch(t, [
      ['a', '1', '2026-01-01', 1.5],
      ['a', '2', '2026-01-01', 1.7],
      ['c', '1', '2026-01-03', 3.5],
    ]);
    expect(await t.lakehouse.commit('second', (tx) => t.lakehouse.appendDistinct(tx, QUAKES, 'batch'))).toBe(2);
    const rows = await t.engine.all<{ k: string; v: string }>(`SELECT _record_key AS k, _record_version AS v FROM ${t.lakehouse.table('quakes')} ORDER BY 1, 2`);
    expect(rows).toEqual([
      { k: 'a', v: '1' },
      { k: 'a', v: '2' },
      { k: 'b', v: '1' },
      { k: 'c', v: '1' },
    ]);
    const latest = await t.engine.all<{ k: string; v: string }>(`SELECT _record_key AS k, _record_version AS v FROM ${t.lakehouse.table('quakes_latest')} ORDER BY 1`);
    expect(latest).toEqual([
      { k: 'a', v: '2' },
      { k: 'b', v: '1' },
      { k: 'c', v: '1' },
    ]);
  });

  it('partitions files by UTC event day, and the listed files hold exactly the table', async () => {
    await stageBatch(t, [
      ['a', '1', '2026-01-01', 1],
      ['b', '1', '2026-01-02', 2],
    ]);
    await t.lakehouse.commit('write', (tx) => t.lakehouse.appendDistinct(tx, QUAKES, 'batch'));
    const files = await t.lakehouse.dataFiles('quakes');
    expect(files.map((f) => f.path.replace(/ducklake-[^/]+$/, ''))).toEqual([
      join(t.dir, 'lake/curated/main/quakes/year=2026/month=1/day=1/'),
      join(t.dir, 'lake/curated/main/quakes/year=2026/month=1/day=2/'),
    ]);
    expect(files.reduce((sum, f) => sum + f.rows, 0)).toBe(2);
    const list = files.map((f) => `'${f.path}'`).join(', ');
    const [fromFiles] = await t.engine.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM read_parquet([${list}])`);
    expect(fromFiles?.n).toBe(2);
  });

  it('a commit that fails writes nothing: no rows and no files in the snapshot', async () => {
    await stageBatch(t, [['a', '1', '2026-01-01', 1]]);
    await expect(
      t.lakehouse.commit('fails', async (tx) => {
        await t.lakehouse.appendDistinct(tx, QUAKES, 'batch');
        throw new Error('killed between insert and commit');
      }),
    ).rejects.toThrow('killed');
    const [row] = await t.engine.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${t.lakehouse.table('quakes')}`);
    expect(row?.n).toBe(0);
    expect(await t.lakehouse.dataFiles('quakes')).toEqual([]);
  });

  it('evolves the schema: an added column reads NULL in older rows; an incompatible change is refused', async () => {
    await stageBatch(t, [['a', '1', '2026-01-01', 1]]);
    await t.lakehouse.commit('v1', (tx) => t.lakehouse.appendDistinct(tx, QUAKES, 'batch'));
    const v2: TableSpec = { ...QUAKES, columns: [...QUAKES.columns, { name: 'depth_km', sqlType: 'DOUBLE' }] };
    await t.lakehouse.ensureTable(v2);
    await t.engine.run(`CREATE OR REPLACE TEMP TABLE batch2 AS SELECT 'b' AS event_id, TIMESTAMPTZ '2026-01-01 13:00:00+00' AS event_time, 2.0 AS magnitude, 'b' AS _record_key, '1' AS _record_version, 10.5 AS depth_km`);
    await t.lakehouse.commit('v2', (tx) => t.lakehouse.appendDistinct(tx, v2, 'batch2'));
    const rows = await t.engine.all<{ k: string; depth: number | null }>(`SELECT _record_key AS k, depth_km AS depth FROM ${t.lakehouse.table('quakes')} ORDER BY 1`);
    expect(rows).toEqual([
      { k: 'a', depth: null },
      { k: 'b', depth: 10.5 },
    ]);
    const broken: TableSpec = { ...QUAKES, columns: QUAKES.columns.map((c) => (c.name === 'event_id' ? { ...c, sqlType: 'INTEGER' } : c)) };
    await expect(t.lakehouse.ensureTable(broken)).rejects.toMatchObject({ code: 'SCHEMA_CONFLICT' });
  });

  it('commits consumer progress with the data, readable by the furthest offset', async () => {
    const progress = new ConsumerProgress(t.lakehouse);
    await progress.ensure();
    expect(await progress.read('g', 'raw', 0)).toBeNull();
    await progress.start('g', 'raw', 0);
    expect((await progress.read('g', 'raw', 0))?.nextOffset).toBe('0');
    await stageBatch(t, [['a', '1', '2026-01-01', 1]]);
    await t.lakehouse.commit('batch', async (tx) => {
      await t.lakehouse.appendDistinct(tx, QUAKES, 'batch');
      await progress.advance(tx, { group: 'g', topic: 'raw', partition: 0, nextOffset: '7' }, '0');
    });
    const committed = await progress.read('g', 'raw', 0);
    expect(committed?.nextOffset).toBe('7');
    const added = await t.lakehouse.filesAddedIn('quakes', committed?.snapshotId ?? -1);
    expect(added.map((f) => f.rows)).toEqual([1]);
    await t.lakehouse.commit('batch 2', (tx) => progress.advance(tx, { group: 'g', topic: 'raw', partition: 0, nextOffset: '9' }, '7'));
    expect((await progress.read('g', 'raw', 0))?.nextOffset).toBe('9');
    // A member still holding records 5..8 (a rebalance overlap) cannot commit them again.
    await expect(t.lakehouse.commit('stale', (tx) => progress.advance(tx, { group: 'g', topic: 'raw', partition: 0, nextOffset: '9' }, '5'))).rejects.toMatchObject({
      code: 'PROGRESS_MOVED',
    });
    const [rows] = await t.engine.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${t.lakehouse.table('consumer_progress', 'fluxo_meta')}`);
    expect(rows?.n).toBe(1); // one row per partition
  });

  it('commitSnapshot returns the snapshot its own commit made, with another writer committing in between', async () => {
    const other = await t.attachAnother();
    const writers = [
      { name: 'a', engine: t.engine, lakehouse: t.lakehouse },
      { name: 'b', engine: other.engine, lakehouse: other.lakehouse },
    ];
    const ids: number[] = [];
    for (let round = 0; round < 4; round += 1) {
      const writer = writers[round % 2];
      if (writer === undefined) throw new Error('unreachable');
      const { name, engine, lakehouse } = writer;
      const key = `${name}${round}`;
      await engine.run(`CREATE OR REPLACE TEMP TABLE batch AS SELECT '${key}' AS event_id, TIMESTAMPTZ '2026-01-01 12:00:00+00' AS event_time, 1.0::DOUBLE AS magnitude, '${key}' AS _record_key, '1' AS _record_version`);
      const { value, snapshotId } = await lakehouse.commitSnapshot(`write ${key}`, (tx) => lakehouse.appendDistinct(tx, QUAKES, 'batch'));
      expect(value).toBe(1);
      const [row] = await t.engine.all<{ snapshot_id: number }>(`SELECT snapshot_id FROM ${t.lakehouse.table('quakes')} WHERE _record_key = '${key}'`);
      expect(Number(row?.snapshot_id)).toBe(snapshotId);
      expect((await t.lakehouse.filesAddedIn('quakes', snapshotId)).map((file) => file.rows)).toEqual([1]);
      ids.push(snapshotId);
    }
    expect([...ids].sort((x, y) => x - y)).toEqual(ids);
    expect(new Set(ids).size).toBe(4);
  });

  it('commitSnapshot never runs a committed body again when reading its snapshot id fails, and says so retriably', async () => {
    const original = t.engine.transaction.bind(t.engine);
    // The read after COMMIT fails with a message that would pass for a commit conflict.
    t.engine.transaction = (label, body, options) =>
      original(label, body, options?.afterCommit === undefined ? options : { afterCommit: (session) => options.afterCommit?.({ run: session.run, all: async () => Promise.reject(new Error('database is locked')) }) ?? Promise.resolve() });
    await stageBatch(t, [['k1', '1', '2026-01-01', 1]]);
    let runs = 0;
    await expect(
      t.lakehouse.commitSnapshot('write', async (tx) => {
        runs += 1;
        return t.lakehouse.appendDistinct(tx, QUAKES, 'batch');
      }),
    ).rejects.toMatchObject({ code: 'QUERY_FAILED', retriable: true, message: expect.stringContaining('database is locked') });
    expect(runs).toBe(1);
    t.engine.transaction = original;
    const [row] = await t.engine.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${t.lakehouse.table('quakes')}`);
    expect(row?.n).toBe(1); // the commit stands
  });

  it('a reader in another process sees whole commits only and keeps reading while maintenance compacts', async () => {
    const reader = await t.attachAnother({ readOnly: true });
    for (let i = 0; i < 6; i += 1) {
      await stageBatch(t, [[`k${i}`, '1', '2026-01-01', i]]);
      await t.lakehouse.commit(`small ${i}`, (tx) => t.lakehouse.appendDistinct(tx, QUAKES, 'batch'));
    }
    expect((await t.lakehouse.dataFiles('quakes')).length).toBe(6);
    const count = async () => (await reader.engine.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${reader.lakehouse.table('quakes')}`))[0]?.n;
    expect(await count()).toBe(6);
    const report = await maintain(t.lakehouse, [QUAKES], { targetFileBytes: 64 << 20, snapshotRetentionMs: 0, fileDeletionGraceMs: 0 }, t.lakehouse['logger']);
    expect(report.filesBefore).toBe(6);
    expect(report.filesAfter).toBe(1);
    expect(await count()).toBe(6);
    const onDisk = (await readdir(join(t.dir, 'lake/curated/main/quakes/year=2026/month=1/day=1'))).filter((name) => name.endsWith('.parquet'));
    expect(onDisk).toHaveLength(1); // the merged-away files are gone from disk too
  });
});
