import { DRIFT_WINDOW_COMMITS, DriftTracker, MAX_DRIFT_ALERTS, MAX_DRIFT_DATASETS } from './drift-tracker';

/** A curated reference of one commit that read `raw`, with its drift block. */
function curated(dataset: string, raw: readonly string[], rows: number, columns: { column: string; absent: number; invalid: number }[], uri = `curated/${dataset}/${raw.join('-')}.parquet`) {
  return {
    dataset,
    uri,
    producedAt: '2026-12-02T10:00:00.000Z',
    inputs: raw.map((name, offset) => ({ uri: `raw/s/${name}.parquet`, sha256: '0'.repeat(64), topic: 'raw', partition: 0, offset: String(offset) })),
    drift: { version: 1, rows, columns: columns.map((c) => ({ ...c, path: `properties.${c.column}` })) },
  };
}

describe('DriftTracker', () => {
  it('sums absent and uncastable rows per dataset and column over the window, most affected first, hiding clean columns', () => {
    const tracker = new DriftTracker();
    tracker.acceptCurated(curated('quakes', ['a'], 10, [{ column: 'mag', absent: 0, invalid: 3 }, { column: 'place', absent: 0, invalid: 0 }, { column: 'depth', absent: 10, invalid: 0 }]));
    tracker.acceptCurated(curated('quakes', ['b', 'c'], 5, [{ column: 'mag', absent: 1, invalid: 2 }, { column: 'depth', absent: 5, invalid: 0 }]));
    tracker.acceptCurated(curated('weather', ['w'], 7, [{ column: 'temp', absent: 0, invalid: 0 }]));
    const report = tracker.report();
    expect(report.windowCommits).toBe(DRIFT_WINDOW_COMMITS);
    expect(report.datasets).toEqual([
      {
        dataset: 'quakes',
        commits: 2,
        rows: 15,
        columns: [
          { column: 'depth', path: 'properties.depth', absent: 15, invalid: 0 },
          { column: 'mag', path: 'properties.mag', absent: 1, invalid: 5 },
        ],
        lastCommitAt: '2026-12-02T10:00:00.000Z',
      },
      { dataset: 'weather', commits: 1, rows: 7, columns: [], lastCommitAt: '2026-12-02T10:00:00.000Z' },
    ]);
  });

  it('counts a commit once although each of its curated files (and a re-announcement) carries its drift', () => {
    const tracker = new DriftTracker();
    const columns = [{ column: 'mag', absent: 4, invalid: 0 }];
    tracker.acceptCurated(curated('quakes', ['a', 'b'], 4, columns, 'curated/quakes/day=1.parquet'));
    tracker.acceptCurated(curated('quakes', ['b', 'a'], 4, columns, 'curated/quakes/day=2.parquet'));
    tracker.acceptCurated(curated('quakes', ['a', 'b'], 4, columns, 'curated/quakes/day=1.parquet'));
    expect(tracker.report().datasets[0]).toMatchObject({ commits: 1, rows: 4, columns: [{ column: 'mag', absent: 4 }] });
  });

  it('keeps only the last commits of a dataset and a bounded number of datasets', () => {
    const tracker = new DriftTracker();
    for (let i = 0; i < DRIFT_WINDOW_COMMITS + 10; i += 1) tracker.acceptCurated(curated('quakes', [`f${i}`], 1, [{ column: 'mag', absent: i < 10 ? 100 : 1, invalid: 0 }]));
    expect(tracker.report().datasets[0]).toMatchObject({ commits: DRIFT_WINDOW_COMMITS, rows: DRIFT_WINDOW_COMMITS, columns: [{ absent: DRIFT_WINDOW_COMMITS }] });
    for (let i = 0; i < MAX_DRIFT_DATASETS + 5; i += 1) tracker.acceptCurated(curated(`d${i}`, ['x'], 1, []));
    const names = tracker.report().datasets.map((d) => d.dataset);
    expect(names).toHaveLength(MAX_DRIFT_DATASETS);
    expect(names).not.toContain('quakes'); // the least recently updated went first
    expect(names).toContain(`d${MAX_DRIFT_DATASETS + 4}`);
  });

  it('ignores references without a drift block or with a drift version it does not know', () => {
    const tracker = new DriftTracker();
    const { drift: _drift, ...plain } = curated('quakes', ['a'], 1, []);
    tracker.acceptCurated(plain);
    tracker.acceptCurated({ ...curated('quakes', ['b'], 1, [{ column: 'mag', absent: 1, invalid: 0 }]), drift: { version: 2, rows: 1, columns: [] } });
    expect(tracker.report().datasets).toEqual([]);
  });

  it('keeps the latest drift dead letters with the column, fields or keys they name and a sample, newest first; other reasons are not drift', () => {
    const tracker = new DriftTracker();
    const at = Date.parse('2026-12-02T10:00:00Z');
    tracker.acceptDeadLetter({ reason: 'CHECKSUM_MISMATCH', message: 'not drift' }, at);
    tracker.acceptDeadLetter({ reason: 'UNMAPPED_FIELDS', stage: 'ingest', source: 's', dataset: 'quakes', message: 'unmapped', details: { fields: ['tz', 'felt', 3] } }, at);
    tracker.acceptDeadLetter({ reason: 'DUPLICATE_KEY', source: 's', dataset: 'quakes', message: 'dup', details: { sample: [{ key: 'k1', other: '{"id":"k1"}' }, { key: 'k2', other: '{}' }] } }, at);
    tracker.acceptDeadLetter(
      { reason: 'SCHEMA_DRIFT', source: 's', dataset: 'quakes', message: 'lost', occurredAt: '2026-12-02T10:00:05.000Z', details: { column: 'mag', path: 'properties.mag', sample: 'x'.repeat(5000) } },
      at,
    );
    const { alerts } = tracker.report();
    expect(alerts.map((a) => [a.reason, a.names, a.sample.length])).toEqual([
      ['SCHEMA_DRIFT', ['mag'], 600],
      ['DUPLICATE_KEY', ['k1', 'k2'], '{"id":"k1"}'.length],
      ['UNMAPPED_FIELDS', ['tz', 'felt'], 0],
    ]);
    expect(alerts[0]).toMatchObject({ occurredAt: '2026-12-02T10:00:05.000Z', source: 's', dataset: 'quakes', message: 'lost' });
    expect(alerts[2]?.occurredAt).toBe('2026-12-02T10:00:00.000Z'); // the record's timestamp when the event has none
    for (let i = 0; i < MAX_DRIFT_ALERTS + 3; i += 1) tracker.acceptDeadLetter({ reason: 'SCHEMA_DRIFT', details: 'not an object' }, at);
    expect(tracker.report().alerts).toHaveLength(MAX_DRIFT_ALERTS);
    expect(tracker.report().alerts[0]).toMatchObject({ names: [], sample: '', source: null });
  });
});
