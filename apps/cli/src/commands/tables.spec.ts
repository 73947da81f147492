import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@fluxo/schema';
import { Lake, ParquetEngine, writeRawFile, type RawRow } from '@fluxo/parquet-io';
import { Lakehouse } from '@fluxo/lakehouse';
import { TestDuckDBEngine, testExtensionDirectory } from '@fluxo/lakehouse/testing';
import { runFluxo } from '../testing/run-cli';

const DATASET = {
  name: 'quakes',
  description: 'test quakes',
  columns: [
    { name: 'event_id', type: 'string', required: true },
    { name: 'place', type: 'string' },
    { name: 'magnitude', type: 'double' },
    { name: 'event_time', type: 'timestamp', required: true },
  ],
  partitionBy: 'event_time',
  entityKey: ['event_id'],
  versionColumn: '_record_version',
};

const SOURCE = (placeMapping: Record<string, string>) => ({
  name: 'quakes-feed',
  kind: 'poll',
  dataset: 'quakes',
  description: 'test feed',
  request: { url: 'https://example.org/quakes', intervalMs: 60000 },
  records: { path: '$', layout: 'rows' },
  key: ['id'],
  version: 'updated',
  eventTime: { path: 'time', format: 'epoch_ms' },
  mapping: [
    { column: 'event_id', path: 'id' },
    { column: 'place', ...placeMapping },
    { column: 'magnitude', path: 'mag' },
    { column: 'event_time', path: 'time', format: 'epoch_ms' },
  ],
});

const DAY1 = Date.parse('2026-03-01T10:00:00Z');
const DAY2 = Date.parse('2026-03-02T10:00:00Z');

function row(id: string, updated: number, time: number, place: string): RawRow {
  return { key: id, version: String(updated), eventTime: new Date(time), record: JSON.stringify({ id, updated, time, place, mag: 4.5 }), context: null };
}

/**
 * reprocess, query, compact and gc against a real lake and DuckLake catalog (no broker needed):
 * two raw files, one version present in both, a definition changed between runs.
 */
describe('commands over the tables', () => {
  let dir: string;
  let env: Record<string, string>;
  const fluxo = (...argv: string[]) => runFluxo(argv, env);
  const count = async (sql: string) => JSON.parse((await fluxo('query', sql, '--format', 'json')).stdout) as Record<string, unknown>[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fluxo-cli-tables-'));
    await mkdir(join(dir, 'definitions', 'sources'), { recursive: true });
    await mkdir(join(dir, 'definitions', 'datasets'), { recursive: true });
    await writeFile(join(dir, 'definitions', 'datasets', 'quakes.json'), JSON.stringify(DATASET));
    await writeFile(join(dir, 'definitions', 'sources', 'quakes-feed.json'), JSON.stringify(SOURCE({ path: 'place' })));
    const lake = await Lake.open(join(dir, 'lake'));
    const engine = await ParquetEngine.open({ logger: silentLogger, threads: 1, memoryLimitMb: 256 });
    const files = [
      { stem: 'first', fetchedAt: new Date('2026-03-02T12:00:00Z'), rows: [row('a', 1, DAY1, 'north'), row('b', 1, DAY1, 'south'), row('c', 1, DAY2, 'east')] },
      { stem: 'second', fetchedAt: new Date('2026-03-03T12:00:00Z'), rows: [row('c', 1, DAY2, 'east'), row('c', 2, DAY2, 'east, later'), row('d', 1, DAY2, 'west')] },
    ];
    for (const file of files) await (await writeRawFile(engine, lake, { source: 'quakes-feed', ...file })).commit();
    await engine.close();
    // The catalog exists once a normalizer has started; attach it once for writing, as it would.
    const duck = await TestDuckDBEngine.open();
    await (await Lakehouse.attach({ engine: duck, catalog: { kind: 'sqlite', path: join(dir, 'catalog.sqlite') }, dataPath: join(dir, 'lake', 'curated'), logger: silentLogger })).close();
    await duck.close();
    env = {
      FLUXO_LAKE_DIR: join(dir, 'lake'),
      FLUXO_CATALOG: `sqlite:${join(dir, 'catalog.sqlite')}`,
      FLUXO_DEFINITIONS_DIR: join(dir, 'definitions'),
      FLUXO_DUCKDB_EXTENSION_DIR: testExtensionDirectory(),
      FLUXO_FILE_DELETION_GRACE_MS: '0',
      FLUXO_SNAPSHOT_RETENTION_MS: '0',
      FLUXO_RAW_RETENTION_DAYS: '0',
    };
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reprocess creates the table from the raw zone, each (key, version) once', async () => {
    const run = await fluxo('reprocess', 'quakes', '--json');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { rows: { mapped: number; staged: number }; swap: { inserted: number }; diff: { added: number } };
    expect(report.rows).toMatchObject({ mapped: 5, staged: 5 }); // the version in both files is mapped once per chunk
    expect(report.swap.inserted).toBe(5);
    expect(await count('SELECT count(*)::INTEGER AS n, count(DISTINCT (_record_key, _record_version))::INTEGER AS versions FROM quakes')).toEqual([{ n: 5, versions: 5 }]);
  });

  it('a dry run reports the changes a new definition makes, per column, and writes nothing', async () => {
    await writeFile(join(dir, 'definitions', 'sources', 'quakes-feed.json'), JSON.stringify(SOURCE({ expr: "upper(json_extract_string(record, '$.place'))" })));
    const run = await fluxo('reprocess', 'quakes', '--dry-run', '--json');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { diff: Record<string, unknown>; swap: unknown };
    expect(report.diff).toEqual({ unchanged: 0, changed: 5, added: 0, removed: 0, changedByColumn: { place: 5 } });
    expect(report.swap).toBeNull();
    expect(await count("SELECT count(*)::INTEGER AS n FROM quakes WHERE place = upper(place)")).toEqual([{ n: 0 }]);
  });

  it('swaps the new rows in, in one commit; a second run changes nothing and duplicates nothing', async () => {
    const before = await count('SELECT max(snapshot_id)::INTEGER AS s FROM fluxo.snapshots()');
    expect((await fluxo('reprocess', 'quakes')).code).toBe(0);
    expect(await count('SELECT count(*)::INTEGER AS n, count(*) FILTER (WHERE place = upper(place))::INTEGER AS upper FROM quakes')).toEqual([{ n: 5, upper: 5 }]);
    const snapshots = await count('SELECT snapshot_id::INTEGER AS s, changes FROM fluxo.snapshots() ORDER BY 1');
    // staging table created, staged, then ONE snapshot both deleting from and inserting into quakes
    const swap = snapshots.filter((s) => Number(s['s']) > Number(before[0]?.['s'])).filter((s) => JSON.stringify(s['changes']).includes('deleted_from'));
    expect(swap).toHaveLength(1);
    expect(JSON.stringify(swap[0]?.['changes'])).toContain('inserted_into');
    const again = JSON.parse((await fluxo('reprocess', 'quakes', '--json')).stdout) as { diff: { unchanged: number; changed: number } };
    expect(again.diff).toMatchObject({ unchanged: 5, changed: 0 });
    expect(await count('SELECT count(*)::INTEGER AS n FROM quakes')).toEqual([{ n: 5 }]);
    expect(await count("SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_schema = 'fluxo_staging'")).toEqual([{ n: 0 }]);
  });

  it('a date range replaces only the rows of those days', async () => {
    await writeFile(join(dir, 'definitions', 'sources', 'quakes-feed.json'), JSON.stringify(SOURCE({ expr: "lower(json_extract_string(record, '$.place'))" })));
    const run = JSON.parse((await fluxo('reprocess', 'quakes', '--from', '2026-03-02', '--to', '2026-03-02', '--json')).stdout) as { rows: { outsideRange: number }; swap: { deleted: number; inserted: number } };
    expect(run.swap).toMatchObject({ deleted: 3, inserted: 3 });
    expect(run.rows.outsideRange).toBe(2);
    expect(await count("SELECT event_id, place FROM quakes ORDER BY event_id, _record_version")).toEqual([
      { event_id: 'a', place: 'NORTH' },
      { event_id: 'b', place: 'SOUTH' },
      { event_id: 'c', place: 'east' },
      { event_id: 'c', place: 'east, later' },
      { event_id: 'd', place: 'west' },
    ]);
  });

  it('rows whose raw file is gone are kept (reported), or refused with --strict', async () => {
    await unlink(join(dir, 'lake', 'raw', 'quakes-feed', 'date=2026-03-02', 'first.parquet'));
    const strict = await fluxo('reprocess', 'quakes', '--strict');
    expect(strict.code).toBe(4);
    expect(strict.stderr).toMatch(/came from raw files no longer in the raw zone/);
    const kept = JSON.parse((await fluxo('reprocess', 'quakes', '--json')).stdout) as { current: { kept: number; replaced: number } };
    // a, b and the first copy of c came from the deleted file; the second file still holds c again, which stays once
    expect(kept.current).toEqual({ rows: 5, replaced: 2, kept: 3 });
    expect(await count('SELECT count(*)::INTEGER AS n FROM quakes')).toEqual([{ n: 5 }]);
  });

  it('query: formats, Parquet output, one statement, nothing outside the tables', async () => {
    const csv = await fluxo('query', 'SELECT event_id FROM quakes_latest ORDER BY 1');
    expect(csv).toMatchObject({ code: 0, stdout: 'event_id\r\na\r\nb\r\nc\r\nd\r\n' });
    const out = join(dir, 'out.parquet');
    expect((await fluxo('query', 'SELECT * FROM quakes', '--format', 'parquet', '--output', out)).code).toBe(0);
    expect(existsSync(out)).toBe(true);
    expect((await fluxo('query', 'SELECT 1; SELECT 2')).code).toBe(2);
    const escape = await fluxo('query', "SELECT * FROM read_text('/etc/hostname')");
    expect(escape).toMatchObject({ code: 4, stderr: expect.stringContaining('disabled by configuration') });
    expect((await fluxo('query', "COPY quakes TO '/tmp/fluxo-cli-escape.csv'")).code).toBe(4);
    expect((await fluxo('query', 'INSERT INTO quakes (event_id) VALUES (1)')).code).toBe(4);
  });

  it('compact and gc: dry runs change nothing; then they compact and delete', async () => {
    const files = async () => (await count("SELECT count(*)::INTEGER AS n FROM ducklake_list_files('fluxo', 'quakes')"))[0]?.['n'];
    const before = await files();
    expect((await fluxo('compact', '--dry-run')).code).toBe(0);
    expect(await files()).toBe(before);
    const dry = JSON.parse((await fluxo('gc', '--dry-run', '--json')).stdout) as { garbage: { expiredSnapshots: number } };
    expect(dry.garbage.expiredSnapshots).toBeGreaterThan(0);
    expect((await count('SELECT count(*)::INTEGER AS n FROM fluxo.snapshots()'))[0]?.['n']).toBeGreaterThan(2);
    expect((await fluxo('compact')).code).toBe(0);
    expect(await files()).toBeLessThanOrEqual(Number(before)); // small files of a day merged (a file with deletes is rewritten past DuckLake's delete threshold only)
    const gc = JSON.parse((await fluxo('gc', '--json')).stdout) as { garbage: { unreferencedFiles: string[] } };
    expect(gc.garbage.unreferencedFiles.length).toBeGreaterThan(0);
    expect(gc.garbage.unreferencedFiles.every((path) => !existsSync(path))).toBe(true);
    expect(await count('SELECT count(*)::INTEGER AS n FROM quakes')).toEqual([{ n: 5 }]);
  });
});
