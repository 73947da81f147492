/**
 * Issue 12 part 4 (issue 8 item 4): `fluxo gc` with the lake on S3 deletes raw objects past retention
 * in the bucket — the CLI's wiring of RawRetention and parquet-io's S3RawZone — against the real
 * Versity S3 Gateway `npm test` starts (FLUXO_TEST_S3_*; fails, never skips, without it).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { silentLogger } from '@fluxo/schema';
import { testS3LakeStorage } from '@fluxo/schema/testing';
import { ParquetEngine, S3Lake } from '@fluxo/parquet-io';
import { ConsumedRawFiles, LAKEHOUSE_EXTENSIONS, Lakehouse } from '@fluxo/lakehouse';
import { testExtensionDirectory } from '@fluxo/lakehouse/testing';
import { runFluxo } from '../testing/run-cli';

const DAY_MS = 86_400_000;
const day = (daysAgo: number) => new Date(Date.now() - daysAgo * DAY_MS).toISOString().slice(0, 10);

describe('issue 12 part 4: fluxo gc on an S3 lake (real Versity S3 Gateway)', () => {
  const storage = testS3LakeStorage('cli-gc');
  const sdk = new S3Client({
    region: storage.region,
    endpoint: `http://${storage.endpoint ?? ''}`,
    forcePathStyle: true,
    credentials: { accessKeyId: storage.accessKeyId, secretAccessKey: storage.secretAccessKey },
  });
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fluxo-cli-gc-s3-'));
    env = {
      FLUXO_LAKE_DIR: join(dir, 'no-local-lake'), // never created: the raw zone is the bucket
      FLUXO_LAKE_ROOT: storage.root,
      FLUXO_S3_ENDPOINT: `http://${storage.endpoint ?? ''}`,
      FLUXO_S3_REGION: storage.region,
      AWS_ACCESS_KEY_ID: storage.accessKeyId,
      AWS_SECRET_ACCESS_KEY: storage.secretAccessKey,
      FLUXO_CATALOG: `sqlite:${join(dir, 'catalog.sqlite')}`,
      FLUXO_DEFINITIONS_DIR: join(dir, 'definitions'),
      FLUXO_DUCKDB_EXTENSION_DIR: testExtensionDirectory(),
      FLUXO_RAW_RETENTION_DAYS: '7',
      FLUXO_RAW_UNCONSUMED_GRACE_DAYS: '365', // no unconsumed object is past it: Kafka is never asked
      FLUXO_RAW_RETENTION_GROUPS: 'normalizer',
    };
  });
  afterAll(async () => {
    sdk.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  async function rawObject(date: string, name: string): Promise<string> {
    await sdk.send(new PutObjectCommand({ Bucket: storage.bucket, Key: `${storage.prefix}/raw/usgs/date=${date}/${name}`, Body: 'parquet bytes' }));
    return `${storage.root}/raw/usgs/date=${date}/${name}`;
  }
  async function remaining(): Promise<string[]> {
    const page = await sdk.send(new ListObjectsV2Command({ Bucket: storage.bucket, Prefix: `${storage.prefix}/raw/` }));
    return (page.Contents ?? []).map((object) => (object.Key ?? '').slice(storage.prefix.length + 1)).sort();
  }

  it('lists in a dry run, then deletes the consumed raw objects past retention; keeps recent and unconsumed ones', async () => {
    const [today, monthAgo] = [day(0), day(30)];
    const old = await rawObject(monthAgo, 'consumed.parquet');
    const recent = await rawObject(today, 'recent.parquet');
    await rawObject(monthAgo, 'unconsumed.parquet');
    // The catalog as a normalizer leaves it: created, with the raw files it consumed recorded.
    const duck = await ParquetEngine.open({ logger: silentLogger, threads: 1, memoryLimitMb: 256, extensions: [...LAKEHOUSE_EXTENSIONS, 'httpfs'], extensionDirectory: testExtensionDirectory() });
    await S3Lake.open(duck, storage); // the catalog's own rows are Parquet objects under curated/
    const lakehouse = await Lakehouse.attach({ engine: duck, catalog: { kind: 'sqlite', path: join(dir, 'catalog.sqlite') }, dataPath: S3Lake.curatedDataPathOf(storage.root), logger: silentLogger });
    const consumed = new ConsumedRawFiles(lakehouse);
    await consumed.ensure();
    await lakehouse.commit('consumed', (tx) => consumed.record(tx, 'normalizer', [old, recent]));
    await lakehouse.close();
    await duck.close();
    const before = await remaining();
    expect(before).toHaveLength(3);

    const dry = await runFluxo(['gc', '--dry-run', '--json'], env);
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, raw: { deleted: 1, unconsumedDeleted: 0, waiting: 1, files: [`curated: ${old}`] } });
    expect(await remaining()).toEqual(before);

    const run = await runFluxo(['gc'], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('raw zone          deleted 1 curated and 0 never-consumed raw file(s); 1 past retention still wait for a group');
    expect(`${run.stdout}${run.stderr}`).not.toContain(storage.secretAccessKey);
    expect(await remaining()).toEqual([`raw/usgs/date=${today}/recent.parquet`, `raw/usgs/date=${monthAgo}/unconsumed.parquet`].sort());
  });
});
