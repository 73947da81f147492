import { writeFile } from 'node:fs/promises';
import { createTestLake, quakeRows, type TestLake } from '../testing/lake-fixtures';
import { earthquakeView } from './earthquakes';

const FETCHED = '2025-05-04T14:00:00Z';

describe('earthquakeView over a real DuckLake table', () => {
  let t: TestLake;
  beforeEach(async () => {
    t = await createTestLake();
  });
  afterEach(() => t[Symbol.asyncDispose]());

  it('says "no data yet" in every widget when the catalog has no earthquakes table', async () => {
    const view = await earthquakeView(t.lake, { window: '24h', minMagnitude: -10 });
    for (const widget of [view.summary, view.map, view.histogram, view.timeline, view.latest]) {
      expect(widget).toMatchObject({ ok: false, problem: { kind: 'no-data' } });
    }
  });

  it('keeps the latest version of each event, across commits, and counts versions', async () => {
    await t.commit(
      'earthquakes',
      quakeRows(
        [
          { id: 'ci1', time: '2025-05-04T10:00:00Z', updated: '2025-05-04T10:05:00Z', mag: 1.2 },
          { id: 'ci2', time: '2025-05-04T12:00:00Z', updated: '2025-05-04T12:01:00Z', mag: 3.4 },
        ],
        FETCHED,
      ),
    );
    await t.commit(
      'earthquakes',
      quakeRows(
        [
          { id: 'ci1', time: '2025-05-04T10:00:00Z', updated: '2025-05-04T11:00:00Z', mag: 2.6, place: 'revised place' },
          { id: 'ci3', time: '2025-05-04T13:30:00Z', updated: '2025-05-04T13:31:00Z', mag: 4.9 },
        ],
        FETCHED,
      ),
    );
    const view = await earthquakeView(t.lake, { window: 'all', minMagnitude: -10 });
    expect(view.summary).toEqual({ ok: true, warnings: [], data: { events: 3, versions: 4, maxMagnitude: 4.9, windowEnd: '2025-05-04T13:30:00.000Z', windowStart: null } });
    expect(view.latest.ok && view.latest.data.map((row) => [row.eventId, row.magnitude, row.versions, row.place])).toEqual([
      ['ci3', 4.9, 1, 'near ci3'],
      ['ci2', 3.4, 1, 'near ci2'],
      ['ci1', 2.6, 2, 'revised place'],
    ]);
    expect(view.histogram.ok && view.histogram.data).toEqual([
      { bin: 2.5, count: 1 },
      { bin: 3, count: 1 },
      { bin: 4.5, count: 1 },
    ]);
    expect(view.timeline.ok && view.timeline.data.points.reduce((sum, point) => sum + point.count, 0)).toBe(3);
  });

  it('filters by minimum magnitude and by a window ending at the newest event', async () => {
    await t.commit(
      'earthquakes',
      quakeRows(
        [
          { id: 'a', time: '2025-05-03T01:00:00Z', updated: '2025-05-03T01:00:00Z', mag: 5.1 },
          { id: 'b', time: '2025-05-04T13:00:00Z', updated: '2025-05-04T13:00:00Z', mag: 0.8 },
          { id: 'c', time: '2025-05-04T13:40:00Z', updated: '2025-05-04T13:40:00Z', mag: 2.2 },
          { id: 'd', time: '2025-05-04T13:45:00Z', updated: '2025-05-04T13:45:00Z', mag: null },
        ],
        FETCHED,
      ),
    );
    const lastHour = await earthquakeView(t.lake, { window: '1h', minMagnitude: -10 });
    expect(lastHour.summary.ok && lastHour.summary.data).toMatchObject({ events: 3, windowStart: '2025-05-04T12:45:00.000Z', windowEnd: '2025-05-04T13:45:00.000Z' });
    const strong = await earthquakeView(t.lake, { window: 'all', minMagnitude: 2 });
    expect(strong.map.ok && strong.map.data.map((point) => point.eventId)).toEqual(['a', 'c']);
    const none = await earthquakeView(t.lake, { window: '1h', minMagnitude: 5 });
    expect(none.map).toMatchObject({ ok: false, problem: { kind: 'no-data', message: 'No earthquakes match these filters.' } });
  });

  it('names an unreadable data file of the table in the widgets that read it; windows that do not reach it still show', async () => {
    await t.commit(
      'earthquakes',
      quakeRows(
        [
          { id: 'old', time: '2025-05-01T01:00:00Z', updated: '2025-05-01T01:00:00Z', mag: 5.1 },
          { id: 'ok1', time: '2025-05-04T13:00:00Z', updated: '2025-05-04T13:00:00Z', mag: 1 },
        ],
        FETCHED,
      ),
    );
    const broken = (await t.writer.lakehouse.dataFiles('earthquakes')).find((file) => file.path.includes('/day=1/'));
    expect(broken).toBeDefined();
    await writeFile(broken?.path ?? '', 'PAR1 this is not a parquet file');

    const all = await earthquakeView(t.lake, { window: 'all', minMagnitude: -10 });
    expect(all.summary).toMatchObject({ ok: false, problem: { kind: 'broken-file' } });
    expect(!all.summary.ok && all.summary.problem.message).toMatch(/unreadable data file curated\/main\/earthquakes\/year=2025\/month=5\/day=1\/ducklake-[0-9a-f-]+\.parquet/);
    // The 24 h window ends at the newest event (2025-05-04): DuckLake never opens the 2025-05-01 file.
    const day = await earthquakeView(t.lake, { window: '24h', minMagnitude: -10 });
    expect(day.summary).toMatchObject({ ok: true, warnings: [], data: { events: 1 } });
  });

  it('ignores files in the table folder that the catalog does not list (temp files of writers in flight, strays)', async () => {
    await t.ensureTable('earthquakes');
    const folder = 'curated/main/earthquakes/year=2025/month=5/day=4';
    await t.writeBytes(`${folder}/.ducklake-0123456789abcdef.parquet.tmp`, 'half written');
    await t.write(`${folder}/ducklake-stray.parquet`, quakeRows([{ id: 'stray', time: '2025-05-04T10:00:00Z', updated: '2025-05-04T10:00:00Z', mag: 3 }], FETCHED));
    const empty = await earthquakeView(t.lake, { window: 'all', minMagnitude: -10 });
    expect(empty.summary).toMatchObject({ ok: false, problem: { kind: 'no-data' }, warnings: [] });

    await t.commit('earthquakes', quakeRows([{ id: 'ok1', time: '2025-05-04T11:00:00Z', updated: '2025-05-04T11:00:00Z', mag: 1 }], FETCHED));
    const view = await earthquakeView(t.lake, { window: 'all', minMagnitude: -10 });
    expect(view.summary).toMatchObject({ ok: true, warnings: [], data: { events: 1, versions: 1, maxMagnitude: 1 } });
  });
});
