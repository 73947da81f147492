import { utimes } from 'node:fs/promises';
import { createTestLake, quakeRows, type TestLake } from './testing/lake-fixtures';
import { LakeHealthReader } from './lake-health';

describe('LakeHealthReader over a real lake and catalog', () => {
  let t: TestLake;
  beforeEach(async () => {
    t = await createTestLake();
  });
  afterEach(() => t[Symbol.asyncDispose]());

  it('reports an empty lake as "no data" without failing', async () => {
    const health = await new LakeHealthReader(t.lake).read();
    expect(health.throughput).toMatchObject({ ok: false, problem: { kind: 'no-data' } });
    expect(health.storage).toMatchObject({ ok: false, problem: { kind: 'no-data' } });
    expect(health.quarantine).toEqual({ ok: true, warnings: [], data: { total: 0, byStage: [] } });
    expect(health.freshness).toMatchObject({ ok: false, problem: { kind: 'no-data' } });
    expect(health.latency).toMatchObject({ ok: false, problem: { kind: 'no-data' } });
  });

  it('measures rates, bytes, freshness and fetched → committed latency from files, footers, the catalog and lineage', async () => {
    const now = Date.parse('2025-05-04T14:00:30Z');
    const raw = await t.write('raw/usgs-earthquakes/date=2025-05-04/poll-1.parquet', `SELECT range AS n FROM range(5)`);
    const snapshot = await t.commit(
      'earthquakes',
      quakeRows(
        [
          { id: 'a', time: '2025-05-04T13:50:00Z', updated: '2025-05-04T13:50:00Z', mag: 1 },
          { id: 'b', time: '2025-05-04T13:59:00Z', updated: '2025-05-04T13:59:00Z', mag: 2 },
        ],
        '2025-05-04T14:00:00Z',
      ),
    );
    await t.writeBytes('quarantine/normalizer/date=2025-05-04/x.json', '{"reason":"CHECKSUM_MISMATCH"}');
    const at = (iso: string) => new Date(iso);
    await utimes(raw, at('2025-05-04T14:00:01Z'), at('2025-05-04T14:00:01Z'));
    await t.backdate(snapshot, '2025-05-04T14:00:02.500Z');

    const health = await new LakeHealthReader(t.lake).read(now);
    expect(health.throughput.ok && health.throughput.data.stages.map((s) => [s.stage, s.name, s.totalRecords, s.totalFiles, s.recordsPerSecond])).toEqual([
      ['ingest', 'usgs-earthquakes', 5, 1, 5 / 60],
      ['normalizer', 'earthquakes', 2, 1, 2 / 60],
    ]);
    expect(health.throughput.ok && health.throughput.data.stages[1]).toMatchObject({ filesPerSecond: 1 / 60, lastFileAt: '2025-05-04T14:00:02.500Z' });
    expect(health.throughput.ok && health.throughput.data.perMinute.at(-1)).toEqual({ minute: '2025-05-04T14:00:00.000Z', records: { ingest: 5, 'stream-ingest': 0, normalizer: 2 } });
    expect(health.storage.ok && health.storage.data).toMatchObject({ rawFiles: 1, curatedFiles: 1 });
    const [dataFile] = await t.writer.lakehouse.dataFiles('earthquakes');
    expect(health.storage.ok && health.storage.data.curatedBytes).toBe(dataFile?.bytes);
    expect(health.quarantine).toMatchObject({ ok: true, data: { total: 1, byStage: [{ stage: 'normalizer', files: 1 }] } });
    expect(health.freshness.ok && health.freshness.data).toEqual([
      { dataset: 'earthquakes', timeColumn: 'event_time', newestEventTime: '2025-05-04T13:59:00.000Z', freshnessMs: 90_000, lastCuratedAt: '2025-05-04T14:00:02.500Z' },
    ]);
    expect(health.latency).toMatchObject({ ok: true, data: { commits: 1, records: 2, p50Ms: 2_500, maxMs: 2_500 } });
  });

  it('counts each commit once across reads, keeps commit rows through compaction, and follows new commits', async () => {
    const reader = new LakeHealthReader(t.lake);
    const rows = (id: string, time: string) => quakeRows([{ id, time, updated: time, mag: 1 }], '2025-05-04T14:00:00Z');
    const first = await t.commit('earthquakes', rows('a', '2025-05-04T13:00:00Z'));
    const second = await t.commit('earthquakes', rows('b', '2025-05-04T13:10:00Z'));
    await t.backdate(first, '2025-05-04T14:00:05Z');
    await t.backdate(second, '2025-05-04T14:00:06Z');
    const normalizer = async (now: string) => {
      const health = await reader.read(Date.parse(now));
      return health.throughput.ok ? health.throughput.data.stages.find((stage) => stage.stage === 'normalizer') : undefined;
    };
    expect(await normalizer('2025-05-04T14:00:30Z')).toMatchObject({ totalRecords: 2, totalFiles: 2, recordsPerSecond: 2 / 60 });
    expect(await normalizer('2025-05-04T14:00:31Z')).toMatchObject({ totalRecords: 2, recordsPerSecond: 2 / 60 });

    // Compaction merges the two files into one; the commits keep their rows (DuckLake keeps each row's snapshot).
    await t.writer.lakehouse.commit('merge', (tx) => tx.run(`CALL ducklake_merge_adjacent_files('${t.writer.lakehouse.alias}')`));
    expect(await normalizer('2025-05-04T14:00:32Z')).toMatchObject({ totalRecords: 2, totalFiles: 1, recordsPerSecond: 2 / 60 });
    const fresh = await new LakeHealthReader(t.lake).read(Date.parse('2025-05-04T14:00:32Z'));
    expect(fresh.throughput.ok && fresh.throughput.data.stages.find((stage) => stage.stage === 'normalizer')).toMatchObject({ recordsPerSecond: 2 / 60 });

    const third = await t.commit('earthquakes', rows('c', '2025-05-04T13:20:00Z'));
    await t.backdate(third, '2025-05-04T14:00:33Z');
    expect(await normalizer('2025-05-04T14:00:40Z')).toMatchObject({ totalRecords: 3, recordsPerSecond: 3 / 60, lastFileAt: '2025-05-04T14:00:33.000Z' });
    // A minute later the window is empty, the totals stay.
    expect(await normalizer('2025-05-04T14:01:40Z')).toMatchObject({ totalRecords: 3, recordsPerSecond: 0 });
  });
});
