/**
 * Issue 12 part 4 (issue 8 item 4): raw retention on a lake on S3, against the real Versity S3
 * Gateway `npm test` starts (FLUXO_TEST_S3_*; fails, never skips, without it). Lakehouse's
 * `RawRetention` decides, parquet-io's `S3RawZone` lists and deletes with the AWS SDK; the
 * consumption records are in a real DuckLake catalog.
 */
import { HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { silentLogger } from '@fluxo/schema';
import { testS3LakeStorage } from '@fluxo/schema/testing';
import { ParquetIoError, S3LakeObjects, S3RawZone } from '@fluxo/parquet-io';
import { ConsumedRawFiles, RawRetention } from '@fluxo/lakehouse';
import { openTestLakehouse, type TestLakehouse } from '@fluxo/lakehouse/testing';

const NOW = new Date('2026-03-20T12:00:00Z');
const POLICY = { retentionDays: 7, unconsumedGraceDays: 5, groups: ['normalizer', 'archiver'] };

describe('issue 12 part 4: raw retention on an S3 lake (real Versity S3 Gateway)', () => {
  const storage = testS3LakeStorage('curation-raw-gc');
  // Another lake in the same bucket whose prefix extends this one's: a key-prefix check without the `/` would take it.
  const neighbour = `${storage.prefix}x`;
  const sdk = new S3Client({
    region: storage.region,
    endpoint: `${storage.useSsl ? 'https' : 'http'}://${storage.endpoint ?? ''}`,
    forcePathStyle: true,
    credentials: { accessKeyId: storage.accessKeyId, secretAccessKey: storage.secretAccessKey },
  });
  let objects: S3LakeObjects;
  let test: TestLakehouse;
  let consumed: ConsumedRawFiles;

  beforeAll(async () => {
    objects = S3LakeObjects.open(storage);
    test = await openTestLakehouse();
    consumed = new ConsumedRawFiles(test.lakehouse);
    await consumed.ensure();
  });
  afterAll(async () => {
    await objects.close();
    sdk.destroy();
    await test.cleanup();
  });

  async function put(key: string): Promise<void> {
    await sdk.send(new PutObjectCommand({ Bucket: storage.bucket, Key: key, Body: 'parquet bytes' }));
  }
  async function rawObject(date: string, name: string): Promise<string> {
    await put(`${storage.prefix}/raw/usgs/date=${date}/${name}`);
    return `${storage.root}/raw/usgs/date=${date}/${name}`;
  }
  async function keysUnder(prefix: string): Promise<string[]> {
    const page = await sdk.send(new ListObjectsV2Command({ Bucket: storage.bucket, Prefix: `${prefix}/` }));
    return (page.Contents ?? []).map((object) => (object.Key ?? '').slice(prefix.length + 1)).sort();
  }
  const retention = (pending = 0) => new RawRetention({ zone: new S3RawZone(objects), consumed, pending: async () => pending, logger: silentLogger }, POLICY);

  it('deletes consumed objects past retention and unconsumed ones past the grace; keeps recent, waiting and foreign objects; a dry run deletes nothing', async () => {
    const old = await Promise.all(Array.from({ length: 12 }, (_, i) => rawObject('2026-03-01', `poll-${String(i).padStart(4, '0')}.parquet`)));
    const half = await rawObject('2026-03-10', 'one-group.parquet'); // past retention, one group still to curate it
    await rawObject('2026-03-10', 'nobody-yet.parquet'); // past retention, unconsumed, within grace
    await rawObject('2026-02-01', 'never-announced.parquet'); // past retention + grace, unconsumed
    const recent = await rawObject('2026-03-19', 'recent.parquet'); // consumed by both, within retention
    await put(`${storage.prefix}/raw/usgs/date=2026-03-01/notes.txt`); // not a raw file
    const foreignKey = `${neighbour}/raw/usgs/date=2026-03-01/poll-0000.parquet`;
    await put(foreignKey);
    const foreign = `s3://${storage.bucket}/${foreignKey}`;
    await test.lakehouse.commit('consumed', async (tx) => {
      await consumed.record(tx, 'normalizer', [...old, half, recent, foreign]);
      await consumed.record(tx, 'archiver', [...old, recent, foreign]);
    });
    const before = await keysUnder(storage.prefix);
    expect(before).toHaveLength(17);

    const wouldGo: string[] = [];
    expect(await retention().sweep(NOW, { dryRun: true, onFile: (uri, why) => wouldGo.push(`${why}: ${uri}`) })).toEqual({ deleted: 12, unconsumedDeleted: 1, waiting: 2 });
    expect(wouldGo).toContain(`unconsumed: ${storage.root}/raw/usgs/date=2026-02-01/never-announced.parquet`);
    expect(await keysUnder(storage.prefix)).toEqual(before);

    // an unconsumed object is kept while references wait in the topic
    expect(await retention(3).sweep(NOW, { dryRun: true })).toEqual({ deleted: 12, unconsumedDeleted: 0, waiting: 3 });

    expect(await retention().sweep(NOW)).toEqual({ deleted: 12, unconsumedDeleted: 1, waiting: 2 });
    expect(await keysUnder(storage.prefix)).toEqual([
      'raw/usgs/date=2026-03-01/notes.txt',
      'raw/usgs/date=2026-03-10/nobody-yet.parquet',
      'raw/usgs/date=2026-03-10/one-group.parquet',
      'raw/usgs/date=2026-03-19/recent.parquet',
    ]);
    // the deleted objects' consumption records go with them; the others stay
    const left = await consumed.consumers([...old, recent, foreign], POLICY.groups);
    expect([...left].filter(([, groups]) => groups.size > 0).map(([uri]) => uri).sort()).toEqual([foreign, recent].sort());
    // the neighbouring lake is never touched
    await expect(sdk.send(new HeadObjectCommand({ Bucket: storage.bucket, Key: foreignKey }))).resolves.toBeDefined();

    // a second sweep finds nothing new to delete
    expect(await retention().sweep(NOW)).toEqual({ deleted: 0, unconsumedDeleted: 0, waiting: 2 });
  });

  it('refuses to delete an object outside the lake root, and lists only the date folders before the cutoff', async () => {
    const foreignKey = `${neighbour}/raw/usgs/date=2026-01-01/kept.parquet`;
    await put(foreignKey);
    const zone = new S3RawZone(objects);
    const error = await zone.delete([`s3://${storage.bucket}/${foreignKey}`]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ParquetIoError);
    expect((error as ParquetIoError).code).toBe('URI_OUTSIDE_LAKE');
    await expect(sdk.send(new HeadObjectCommand({ Bucket: storage.bucket, Key: foreignKey }))).resolves.toBeDefined();

    await rawObject('2026-01-05', 'a.parquet');
    await put(`${storage.prefix}/raw/other-source/date=2026-01-02/b.parquet`);
    expect(await zone.foldersBefore('2026-03-10')).toEqual([
      { source: 'other-source', date: '2026-01-02' },
      { source: 'usgs', date: '2026-01-05' },
      { source: 'usgs', date: '2026-03-01' }, // notes.txt keeps this prefix
    ]);
    expect(await zone.foldersBefore('2026-01-03')).toEqual([{ source: 'other-source', date: '2026-01-02' }]);
    // a missing key is deleted as far as S3 is concerned
    expect(await zone.delete([`${storage.root}/raw/usgs/date=2026-01-05/a.parquet`, 'raw/usgs/date=2026-01-05/gone.parquet'])).toEqual([]);
  });
});
