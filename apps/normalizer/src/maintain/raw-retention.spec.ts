import { link, lstat, mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { silentLogger } from '@fluxo/schema';
import { createTempLake, type TempLake } from '@fluxo/parquet-io/testing';
import { ConsumedRawFiles, Lakehouse } from '@fluxo/lakehouse';
import { TestDuckDBEngine } from '@fluxo/lakehouse/testing';
import { RawRetention } from './raw-retention';

const NOW = new Date('2026-03-20T12:00:00Z');

describe('RawRetention', () => {
  let tmp: TempLake;
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

    const retention = new RawRetention({ lake: tmp.lake, consumed, logger: silentLogger }, { retentionDays: 7, unconsumedGraceDays: 5, groups: ['normalizer', 'archiver'] });
    expect(await retention.sweep(NOW)).toEqual({ deleted: 1, unconsumedDeleted: 1, waiting: 2 });
    expect(await remaining()).toEqual(['date=2026-03-10/nobody-yet.parquet', 'date=2026-03-10/one-group.parquet', 'date=2026-03-19/recent.parquet']);
    expect([...(await consumed.consumers([old, half], ['normalizer', 'archiver'])).entries()].map(([uri, groups]) => [uri, groups.size])).toEqual([
      [old, 0], // forgotten with its file
      [half, 1],
    ]);
  });

  it('keeps everything when retention is 0', async () => {
    await rawFile('2020-01-01', 'ancient.parquet');
    const retention = new RawRetention({ lake: tmp.lake, consumed, logger: silentLogger }, { retentionDays: 0, unconsumedGraceDays: 0, groups: ['normalizer'] });
    expect(await retention.sweep(NOW)).toEqual({ deleted: 0, unconsumedDeleted: 0, waiting: 0 });
    expect(await remaining()).toEqual(['date=2020-01-01/ancient.parquet']);
  });

  it('issue 9: removes planted links the lake refuses (dangling symlink, extra hard link) without following them, and sweeps the rest', async () => {
    const dir = join(tmp.lake.root, 'raw', 'usgs-earthquakes', 'date=2020-01-01');
    await rawFile('2020-01-01', 'ordinary.parquet');
    await symlink(join(tmp.dir, 'outside-target.parquet'), join(dir, 'dangling.parquet'));
    const outside = join(tmp.dir, 'outside-secret.parquet');
    await writeFile(outside, 'secret');
    await link(outside, join(dir, 'hardlink.parquet'));
    const retention = new RawRetention({ lake: tmp.lake, consumed, logger: silentLogger }, { retentionDays: 7, unconsumedGraceDays: 1, groups: ['normalizer'] });
    expect(await retention.sweep(NOW)).toEqual({ deleted: 0, unconsumedDeleted: 3, waiting: 0 });
    expect(await readdir(join(tmp.lake.root, 'raw', 'usgs-earthquakes'))).toEqual([]);
    expect((await lstat(outside)).nlink).toBe(1); // the file outside is untouched, only its in-lake name went
  });
});
