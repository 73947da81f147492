import { link, lstat, mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { silentLogger } from '@fluxo/schema';
import { createTempLake, type TempLake } from '@fluxo/parquet-io/testing';
import { ConsumedRawFiles, Lakehouse, LocalRawZone, RawRetention } from '@fluxo/lakehouse';
import { TestDuckDBEngine } from '@fluxo/lakehouse/testing';

const NOW = new Date('2026-03-20T12:00:00Z');

/** Raw retention over parquet-io's Lake, which refuses planted links (issue 9). */
describe('raw retention and links the lake refuses', () => {
  let tmp: TempLake;
  let engine: TestDuckDBEngine;
  let consumed: ConsumedRawFiles;

  beforeEach(async () => {
    tmp = await createTempLake('fluxo-raw-links-');
    engine = await TestDuckDBEngine.open();
    const lakehouse = await Lakehouse.attach({ engine, catalog: { kind: 'sqlite', path: join(tmp.dir, 'catalog.sqlite') }, dataPath: join(tmp.lake.root, 'curated'), logger: silentLogger });
    consumed = new ConsumedRawFiles(lakehouse);
    await consumed.ensure();
  });
  afterEach(async () => {
    await engine.close();
    await tmp.cleanup();
  });

  it('removes planted links (dangling symlink, extra hard link) without following them, and sweeps the rest', async () => {
    const dir = join(tmp.lake.root, 'raw', 'usgs-earthquakes', 'date=2020-01-01');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'ordinary.parquet'), 'parquet bytes');
    await symlink(join(tmp.dir, 'outside-target.parquet'), join(dir, 'dangling.parquet'));
    const outside = join(tmp.dir, 'outside-secret.parquet');
    await writeFile(outside, 'secret');
    await link(outside, join(dir, 'hardlink.parquet'));
    const retention = new RawRetention({ zone: new LocalRawZone(tmp.lake, silentLogger), consumed, pending: async () => 0, logger: silentLogger }, { retentionDays: 7, unconsumedGraceDays: 1, groups: ['normalizer'] });
    expect(await retention.sweep(NOW)).toEqual({ deleted: 0, unconsumedDeleted: 3, waiting: 0 });
    expect(await readdir(join(tmp.lake.root, 'raw', 'usgs-earthquakes'))).toEqual([]);
    expect((await lstat(outside)).nlink).toBe(1); // the file outside is untouched, only its in-lake name went
  });
});
