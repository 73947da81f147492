import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@fluxo/schema';
import { ConsumedRawFiles } from './consumed-raw-files';
import { Lakehouse } from './lakehouse';
import { LocalRawZone, type LocalLake } from './local-raw-zone';
import { RawRetention } from './raw-retention';
import { TestDuckDBEngine } from './testing/duckdb-engine';

/** A lake root with lexical URI resolution (parquet-io's Lake adds symlink confinement). */
async function createTempLake(prefix: string): Promise<{ dir: string; lake: LocalLake; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const root = join(dir, 'lake');
  await mkdir(root, { recursive: true });
  return { dir, lake: { root, resolve: (uri) => Promise.resolve(join(root, ...uri.split('/'))) }, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

const NOW = new Date('2026-03-20T12:00:00Z');

describe('RawRetention', () => {
  let tmp: Awaited<ReturnType<typeof createTempLake>>;
  let engine: TestDuckDBEngine;
  let consumed: ConsumedRawFiles;

  beforeEach(async () => {
    tmp = await createTempLake('fluxo-raw-retention-');
    engine = await TestDuckDBEngine.open();
    const lakehouse = await Lakehouse.attach({ engine, catalog: { kind: 'sqlite', path: join(tmp.dir, 'catalog.sqlite') }, dataPath: join(tmp.lake.root, 'curated'), logger: silentLogger });
    consumed = new ConsumedRawFiles(lakehouse);
    await consumed.ensure();
  });
  afterEach(async () => {
    await engine.close();
    await tmp.cleanup();
  });

  async function rawFile(date: string, name: string): Promise<string> {
    const dir = join(tmp.lake.root, 'raw', 'usgs-earthquakes', `date=${date}`);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, name), 'parquet bytes');
    return `raw/usgs-earthquakes/date=${date}/${name}`;
  }

  async function remaining(): Promise<string[]> {
    const root = join(tmp.lake.root, 'raw', 'usgs-earthquakes');
    const out: string[] = [];
    for (const folder of await readdir(root)) for (const name of await readdir(join(root, folder))) out.push(`${folder}/${name}`);
    return out.sort();
  }

  it('deletes only files past retention that every group curated, and unconsumed ones after the grace period', async () => {
    const old = await rawFile('2026-03-10', 'both.parquet');
    const half = await rawFile('2026-03-10', 'one-group.parquet');
    await rawFile('2026-03-10', 'nobody-yet.parquet'); // past retention, within grace
    await rawFile('2026-03-01', 'never-announced.parquet'); // past retention + grace
    const recent = await rawFile('2026-03-19', 'recent.parquet');
    const lakehouse = consumed['lakehouse'];
    await lakehouse.commit('consumed', async (tx) => {
      await consumed.record(tx, 'normalizer', [old, half, recent]);
      await consumed.record(tx, 'archiver', [old]);
    });

    const retention = new RawRetention({ zone: new LocalRawZone(tmp.lake, silentLogger), consumed, pending: async () => 0, logger: silentLogger }, { retentionDays: 7, unconsumedGraceDays: 5, groups: ['normalizer', 'archiver'] });
    expect(await retention.sweep(NOW)).toEqual({ deleted: 1, unconsumedDeleted: 1, waiting: 2 });
    expect(await remaining()).toEqual(['date=2026-03-10/nobody-yet.parquet', 'date=2026-03-10/one-group.parquet', 'date=2026-03-19/recent.parquet']);
    expect([...(await consumed.consumers([old, half], ['normalizer', 'archiver'])).entries()].map(([uri, groups]) => [uri, groups.size])).toEqual([
      [old, 0], // forgotten with its file
      [half, 1],
    ]);
  });

  it('deletes nothing in a dry run, but reports what it would delete', async () => {
    const old = await rawFile('2026-03-10', 'both.parquet');
    await rawFile('2026-03-01', 'never-announced.parquet');
    await consumed['lakehouse'].commit('consumed', (tx) => consumed.record(tx, 'normalizer', [old]));
    const seen: string[] = [];
    const retention = new RawRetention({ zone: new LocalRawZone(tmp.lake, silentLogger), consumed, pending: async () => 0, logger: silentLogger }, { retentionDays: 7, unconsumedGraceDays: 5, groups: ['normalizer'] });
    expect(await retention.sweep(NOW, { dryRun: true, onFile: (uri, why) => seen.push(`${why} ${uri}`) })).toEqual({ deleted: 1, unconsumedDeleted: 1, waiting: 0 });
    expect(seen.sort()).toEqual([`curated ${old}`, 'unconsumed raw/usgs-earthquakes/date=2026-03-01/never-announced.parquet']);
    expect(await remaining()).toEqual(['date=2026-03-01/never-announced.parquet', 'date=2026-03-10/both.parquet']);
    expect((await consumed.consumers([old], ['normalizer'])).get(old)?.size).toBe(1);
  });

  it('keeps files no group consumed yet while references wait in the topic (a backlog older than the retention), or when that is unknown', async () => {
    const curated = await rawFile('2026-03-01', 'curated.parquet');
    const backlog = await rawFile('2026-03-01', 'announced-not-yet-consumed.parquet');
    await consumed['lakehouse'].commit('consumed', (tx) => consumed.record(tx, 'normalizer', [curated]));
    const waiting = new RawRetention({ zone: new LocalRawZone(tmp.lake, silentLogger), consumed, pending: async () => 3, logger: silentLogger }, { retentionDays: 7, unconsumedGraceDays: 5, groups: ['normalizer'] });
    expect(await waiting.sweep(NOW)).toEqual({ deleted: 1, unconsumedDeleted: 0, waiting: 1 });
    const unknown = new RawRetention({ zone: new LocalRawZone(tmp.lake, silentLogger), consumed, pending: () => Promise.reject(new Error('broker unreachable')), logger: silentLogger }, { retentionDays: 7, unconsumedGraceDays: 5, groups: ['normalizer'] });
    expect(await unknown.sweep(NOW)).toEqual({ deleted: 0, unconsumedDeleted: 0, waiting: 1 });
    expect(await remaining()).toEqual(['date=2026-03-01/announced-not-yet-consumed.parquet']);
    const drained = new RawRetention({ zone: new LocalRawZone(tmp.lake, silentLogger), consumed, pending: async () => 0, logger: silentLogger }, { retentionDays: 7, unconsumedGraceDays: 5, groups: ['normalizer'] });
    expect(await drained.sweep(NOW)).toEqual({ deleted: 0, unconsumedDeleted: 1, waiting: 0 });
    expect(await remaining()).toEqual([]);
    expect(backlog).toContain('announced-not-yet-consumed');
  });

  it('keeps everything when retention is 0', async () => {
    await rawFile('2020-01-01', 'ancient.parquet');
    const retention = new RawRetention({ zone: new LocalRawZone(tmp.lake, silentLogger), consumed, pending: async () => 0, logger: silentLogger }, { retentionDays: 0, unconsumedGraceDays: 0, groups: ['normalizer'] });
    expect(await retention.sweep(NOW)).toEqual({ deleted: 0, unconsumedDeleted: 0, waiting: 0 });
    expect(await remaining()).toEqual(['date=2020-01-01/ancient.parquet']);
  });
});
