import { ConsumerProgress } from '@fluxo/lakehouse';
import type { ConsumedReference } from '../ports';
import { BUILTIN_DEFINITIONS, DefinitionCatalog } from '@fluxo/schema';
import { BatchHarness as Harness, catalog, feature } from '../testing/batch-harness';

describe('BatchHandler', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.open();
  });
  afterEach(async () => {
    await h.close();
  });

  it('maps, types and adds lineage to every row, in a table partitioned by event day, and announces its file', async () => {
    const record = await h.rawRecord('poll-1', [feature('ci1', 1746366236183)]);
    await h.handler().handle([record]);
    const rows = await h.rows<Record<string, unknown>>('* EXCLUDE (event_time, updated_at, _fetched_at)');
    expect(rows).toEqual([
      expect.objectContaining({
        event_id: 'ci1',
        magnitude: 1.5,
        longitude: -117.8075,
        latitude: 35.3405,
        depth_km: 8.83,
        place: 'near ci1',
        tsunami: false,
        significance: 34,
        _source: 'usgs-earthquakes',
        _record_key: 'ci1',
        _record_version: '1746366236183',
        _kafka_topic: 'fluxo.raw-files',
        _kafka_partition: 0,
        _kafka_offset: 0,
      }),
    ]);
    const [types] = await h.rows<{ t: string; u: string }>('typeof(event_time) AS t, typeof(updated_at) AS u');
    expect(types).toEqual({ t: 'TIMESTAMP WITH TIME ZONE', u: 'TIMESTAMP WITH TIME ZONE' });
    expect(h.announced).toEqual([
      expect.objectContaining({ kind: 'curated', dataset: 'earthquakes', rows: 1, minEventTime: '2025-05-04T13:40:18.110Z', uri: expect.stringMatching(/^curated\/main\/earthquakes\/year=2025\/month=5\/day=4\/ducklake-.*\.parquet$/) }),
    ]);
    expect(h.announced[0]?.inputs).toEqual([expect.objectContaining({ topic: 'fluxo.raw-files', partition: 0, offset: '0' })]);
  });

  it('issue 10: applies a changed mapping from the next batch on, without a restart (the definitions are read at each use)', async () => {
    const definitions = { catalog };
    const handler = h.handler('g', undefined, { definitions });
    await handler.handle([await h.rawRecord('poll-before', [feature('before', 1)])]);
    // The same source now reads `place` from the network code: what a user's edit of the definition file does.
    const sources = BUILTIN_DEFINITIONS.sources.map((input) => {
      const definition = input.definition as { name: string; mapping: { column: string; path?: string }[] };
      if (definition.name !== 'usgs-earthquakes') return input;
      return { ...input, definition: { ...definition, mapping: definition.mapping.map((m) => (m.column === 'place' ? { column: 'place', path: 'properties.net' } : m)) } };
    });
    Object.assign(definitions, { catalog: DefinitionCatalog.build({ sources, datasets: BUILTIN_DEFINITIONS.datasets }) });
    await handler.handle([await h.rawRecord('poll-after', [feature('after', 2)])]);
    expect(await h.rows<{ id: string; place: string }>('event_id AS id, place', 'ORDER BY 1')).toEqual([
      { id: 'after', place: 'ci' },
      { id: 'before', place: 'near before' },
    ]);
  });

  it('issue 10: looks in the definitions folder again only for a source it does not know: a source added a moment ago is curated, an unknown one dead-lettered', async () => {
    const withoutUsgs = DefinitionCatalog.build({
      sources: BUILTIN_DEFINITIONS.sources.filter((input) => (input.definition as { name: string }).name !== 'usgs-earthquakes'),
      datasets: BUILTIN_DEFINITIONS.datasets,
    });
    let refreshes = 0;
    // what the folder holds when looked at: the source file has just been added
    const definitions: { catalog: DefinitionCatalog; refresh: () => Promise<boolean> } = {
      catalog: withoutUsgs,
      refresh: async () => {
        refreshes += 1;
        const changed = definitions.catalog !== catalog;
        definitions.catalog = catalog;
        return changed;
      },
    };
    const handler = h.handler('g', undefined, { definitions });
    await handler.handle([await h.rawRecord('poll-new-source', [feature('new', 1)])]);
    expect(refreshes).toBe(1);
    expect(h.deadLetters).toEqual([]);
    expect(await h.rows<{ id: string }>('event_id AS id')).toEqual([{ id: 'new' }]);

    await handler.handle([await h.rawRecord('poll-known-source', [feature('known', 2)])]);
    expect(refreshes).toBe(1); // a known source never costs a scan of the folder

    // The watcher's periodic scan was already applying the new file when the handler asked: its own scan
    // finds nothing new (false), but the catalog in force has changed — the reference is curated.
    definitions.catalog = withoutUsgs;
    definitions.refresh = async () => {
      refreshes += 1;
      definitions.catalog = catalog;
      return false;
    };
    await handler.handle([await h.rawRecord('poll-source-applied-by-another-scan', [feature('raced', 4)])]);
    expect(refreshes).toBe(2);
    expect(h.deadLetters).toEqual([]);
    expect(await h.rows<{ id: string }>(`event_id AS id`, `WHERE event_id = 'raced'`)).toEqual([{ id: 'raced' }]);

    definitions.catalog = withoutUsgs; // the file is gone again, and the folder says so
    definitions.refresh = async () => ((refreshes += 1), false);
    await handler.handle([await h.rawRecord('poll-removed-source', [feature('removed', 3)])]);
    expect(refreshes).toBe(3);
    expect(h.deadLetters).toEqual([expect.objectContaining({ reason: 'UNKNOWN_SOURCE' })]);
  });

  it('quarantines rows missing a required column with a dead letter, keeps drifted optional values as NULL', async () => {
    const record = await h.rawRecord('poll-2', [feature('ok', 1), feature('nogeo', 2, { geometry: null }), feature('drift', 3, { properties: { ...feature('x', 3).properties, mag: 'strong' } })]);
    const outcome = await h.handler().handle([record]);
    expect(outcome).toMatchObject({ curatedRows: 2, rejectedRows: 1, deadLettered: 0 });
    expect(h.deadLetters).toEqual([expect.objectContaining({ reason: 'ROWS_REJECTED', quarantineUri: expect.stringMatching(/^quarantine\/normalizer\/date=.*\/usgs-earthquakes-poll-2\.parquet$/) })]);
    expect(await h.rows<{ id: string; m: number | null }>('event_id AS id, magnitude AS m', 'ORDER BY 1')).toEqual([
      { id: 'drift', m: null },
      { id: 'ok', m: 1.5 },
    ]);
  });

  it('issue 10: counts per column the rows whose path was absent or whose value did not cast, and announces them with the commit; ROWS_REJECTED names its columns', async () => {
    const record = await h.rawRecord('poll-drift', [feature('ok', 1), feature('nogeo', 2, { geometry: null }), feature('drift', 3, { properties: { ...feature('x', 3).properties, mag: 'strong', place: undefined } })]);
    await h.handler().handle([record]);
    expect(h.deadLetters[0]).toMatchObject({ reason: 'ROWS_REJECTED', message: expect.stringContaining('lack required column(s) longitude (1), latitude (1)'), details: { columns: { longitude: 1, latitude: 1 } } });
    const drift = h.announced[0]?.drift;
    expect(drift).toMatchObject({ version: 1, rows: 3 });
    const byColumn = Object.fromEntries((drift?.columns ?? []).map((c) => [c.column, [c.absent, c.invalid]]));
    expect(byColumn).toMatchObject({ event_id: [0, 0], magnitude: [0, 1], place: [1, 0], longitude: [1, 0], depth_km: [1, 0], updated_at: [0, 0] });
  });

  it('issue 10: a column absent from every row of three consecutive files raises one SCHEMA_DRIFT with the column and a sample', async () => {
    const handler = h.handler();
    const renamed = (id: string, updated: number) => {
      const { mag, ...properties } = feature(id, updated).properties;
      return feature(id, updated, { properties: { ...properties, magnitude: mag } });
    };
    for (let file = 0; file < 5; file += 1) await handler.handle([await h.rawRecord(`poll-${file}`, [renamed(`e${file}`, file)])]);
    expect(h.deadLetters.filter((d) => d.reason === 'SCHEMA_DRIFT').map((d) => d.details?.['column'])).toEqual(['magnitude']);
    const drift = h.deadLetters.filter((d) => d.reason === 'SCHEMA_DRIFT' && d.details?.['column'] === 'magnitude');
    expect(drift[0]).toMatchObject({
      message: expect.stringContaining('column magnitude of earthquakes (path "properties.mag" of source usgs-earthquakes) was absent from every record in 3 consecutive raw files'),
      details: { column: 'magnitude', path: 'properties.mag', files: 3, sample: expect.stringContaining('"magnitude":1.5') },
    });
  });

  it('keeps every (event, version) once across overlapping files, replays and a second consumer group', async () => {
    const first = await h.rawRecord('poll-a', [feature('e1', 1), feature('e2', 1), feature('e2', 1)]);
    const second = await h.rawRecord('poll-b', [feature('e2', 1), feature('e2', 2), feature('e3', 1)]);
    const handler = h.handler();
    expect(await handler.handle([first, second])).toMatchObject({ commits: 1, curatedRows: 4, alreadyCommitted: 0 });
    const announcedOnce = [...h.announced];

    // The same records again (a crash before the Kafka commit): skipped, announced again with the same ids.
    expect(await h.handler().handle([first, second])).toMatchObject({ commits: 0, alreadyCommitted: 2 });
    expect(h.announced.slice(announcedOnce.length).map((r) => r.eventId)).toEqual(announcedOnce.map((r) => r.eventId));

    // Another consumer group replaying everything: nothing new to append.
    expect(await h.handler('another-group').handle([first, second])).toMatchObject({ commits: 1, curatedRows: 0 });
    expect(await h.rows<{ id: string; v: string; n: number }>('event_id AS id, _record_version AS v, count(*)::INTEGER AS n', 'GROUP BY ALL ORDER BY ALL')).toEqual([
      { id: 'e1', v: '1', n: 1 },
      { id: 'e2', v: '1', n: 1 },
      { id: 'e2', v: '2', n: 1 },
      { id: 'e3', v: '1', n: 1 },
    ]);
    const latest = await h.engine.all<{ id: string; v: string }>(`SELECT event_id AS id, _record_version AS v FROM ${h.lakehouse.table('earthquakes_latest')} ORDER BY 1`);
    expect(latest).toEqual([
      { id: 'e1', v: '1' },
      { id: 'e2', v: '2' },
      { id: 'e3', v: '1' },
    ]);
  });

  it('cuts a backlog into commits bounded by raw rows, each committing its partition progress', async () => {
    const records = [await h.rawRecord('p1', [feature('a', 1), feature('b', 1)]), await h.rawRecord('p2', [feature('c', 1), feature('d', 1)]), await h.rawRecord('p3', [feature('e', 1)])];
    const outcome = await h.handler('g', { maxRows: 4, maxBytes: 1 << 30 }).handle(records);
    expect(outcome).toMatchObject({ commits: 2, curatedRows: 5 });
    expect((await new ConsumerProgress(h.lakehouse).read('g', 'fluxo.raw-files', 0))?.nextOffset).toBe('3');
  });

  it('issue 8: cuts a backlog by raw bytes too, and by age: no file joins a commit whose first file waited maxAgeMs', async () => {
    const records = [await h.rawRecord('q1', [feature('a', 1)]), await h.rawRecord('q2', [feature('b', 1)]), await h.rawRecord('q3', [feature('c', 1)])];
    const bytes = records.map((r) => h.referenceOf(r).bytes);
    // two files fit the byte limit, the third does not
    expect(await h.handler('by-bytes', { maxRows: 1_000, maxBytes: (bytes[0] ?? 0) + (bytes[1] ?? 0) }).handle(records)).toMatchObject({ commits: 2, curatedRows: 3 });
    // an age limit of 0: the first file's wait is over before the second could join, so every file commits alone
    expect(await h.handler('by-age', { maxRows: 1_000, maxBytes: 1 << 30, maxAgeMs: 0 }).handle(records)).toMatchObject({ commits: 3, curatedRows: 0 });
    expect(await h.rows<{ n: number }>('count(*)::INTEGER AS n')).toEqual([{ n: 3 }]);
    for (const group of ['by-bytes', 'by-age']) expect((await new ConsumerProgress(h.lakehouse).read(group, 'fluxo.raw-files', 0))?.nextOffset).toBe('3');
  });

  it('dead-letters a hostile reference and still commits the rest of the batch', async () => {
    const good = await h.rawRecord('ok', [feature('a', 1)]);
    const hostile: ConsumedReference = { ...good, offset: '1', value: Buffer.from('{"not":"a reference"}') };
    const outcome = await h.handler().handle([good, hostile]);
    expect(outcome).toMatchObject({ commits: 1, curatedRows: 1, deadLettered: 1 });
    expect(h.deadLetters.map((d) => d.reason)).toEqual(['UNSUPPORTED_VERSION']);
    expect((await new ConsumerProgress(h.lakehouse).read('g', 'fluxo.raw-files', 0))?.nextOffset).toBe('2');
  });
});
