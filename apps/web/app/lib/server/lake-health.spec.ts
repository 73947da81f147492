import { utimes } from 'node:fs/promises';
import { createTestLake, quakeRows, type TestLake } from './testing/lake-fixtures';
import { LakeHealthReader } from './lake-health';

describe('LakeHealthReader over a real lake', () => {
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
  });

  it('measures rates, bytes, freshness and fetched → curated latency from files, footers and lineage', async () => {
    const now = Date.parse('2025-05-04T14:00:30Z');
    const raw = await t.write('raw/usgs-earthquakes/date=2025-05-04/poll-1.parquet', `SELECT range AS n FROM range(5)`);
    const curated = await t.write(
      'curated/earthquakes/event_date=2025-05-04/part-1.parquet',
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
    await utimes(curated, at('2025-05-04T14:00:02.500Z'), at('2025-05-04T14:00:02.500Z'));

    const health = await new LakeHealthReader(t.lake).read(now);
    expect(health.throughput.ok && health.throughput.data.stages.map((s) => [s.stage, s.name, s.totalRecords, s.totalFiles, s.recordsPerSecond])).toEqual([
      ['ingest', 'usgs-earthquakes', 5, 1, 5 / 60],
      ['normalizer', 'earthquakes', 2, 1, 2 / 60],
    ]);
    expect(health.storage.ok && health.storage.data).toMatchObject({ rawFiles: 1, curatedFiles: 1 });
    expect(health.quarantine).toMatchObject({ ok: true, data: { total: 1, byStage: [{ stage: 'normalizer', files: 1 }] } });
    expect(health.freshness.ok && health.freshness.data).toEqual([
      { dataset: 'earthquakes', timeColumn: 'event_time', newestEventTime: '2025-05-04T13:59:00.000Z', freshnessMs: 90_000, lastCuratedAt: '2025-05-04T14:00:02.500Z' },
    ]);
    expect(health.latency).toMatchObject({ ok: true, data: { files: 1, records: 2, p50Ms: 2_500, maxMs: 2_500 } });
  });
});
