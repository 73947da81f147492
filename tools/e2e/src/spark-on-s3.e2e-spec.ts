/**
 * Issue 12, the last part: the six recorded USGS polls through Kafka with the normalizer mapping raw
 * files with Spark (the run's Spark Connect server, FLUXO_TEST_SPARK_REMOTE, started with the S3A
 * jars) and the lake on the real Versity S3 Gateway (FLUXO_TEST_S3_*): Spark reads each raw object
 * as s3a://, stages its Parquet as objects under the curated DATA_PATH, the normalizer's DuckDB reads
 * them and commits; the lake's maintenance sweeps the staged objects. Exactly 217 versions of 200
 * events, every reference an s3:// object, nothing in the local lake's raw or curated folders.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { sqlString } from '@fluxo/parquet-io';
import { testS3LakeStorage } from '@fluxo/schema/testing';
import { testSparkRemote } from '@fluxo/spark-connect/testing';
import { eventually, PipelineHarness } from '@fluxo/e2e-harness';
import { SIX_POLLS_EXPECTED, curateSixPolls, expectRawObjectsOnS3 } from './support/six-polls';


describe('issue 12: the polling pipeline with the Spark engine and the lake on S3 (real Spark Connect and Versity S3 Gateway)', () => {
  const storage = testS3LakeStorage('e2e-spark');
  /** Where the normalizer's Spark jobs stage (libs/curation spark-staging.ts): under the curated DATA_PATH. */
  const staging = `${storage.root}/curated/_staging/spark/`;
  let pipeline: PipelineHarness;

  beforeAll(async () => {
    pipeline = await PipelineHarness.create('spark-s3', { s3: storage });
    // Maintenance every 2 s, files nothing references deleted 30 s after they were written: staged objects are swept soon.
    const env = { FLUXO_ENGINE: 'spark', FLUXO_SPARK_REMOTE: testSparkRemote(), FLUXO_MAINTENANCE_INTERVAL_MS: '2000', FLUXO_FILE_DELETION_GRACE_MS: '30000' };
    await curateSixPolls(pipeline, env, 'the six recorded polls are served and curated by Spark on S3');
  });
  afterAll(() => pipeline.close());

  it('holds every distinct (event_id, updated_at) version exactly once, read back through the catalog from S3', async () => {
    expect(await pipeline.curatedEarthquakes()).toEqual(SIX_POLLS_EXPECTED);
    expect(await pipeline.queryTable<{ event_id: string }>('earthquakes_latest', 'event_id')).toHaveLength(SIX_POLLS_EXPECTED.events);
  });

  it('announced raw and curated files as s3:// objects inside the lake root, each matching its reference', async () => {
    const s3 = pipeline.s3;
    if (s3 === undefined) throw new Error('the harness has no S3 lake');
    const raw = await expectRawObjectsOnS3(pipeline, storage.root);
    const rawUris = new Set(raw.map((ref) => ref.uri));
    const curated = await pipeline.references('curated');
    expect(curated.length).toBeGreaterThan(0);
    for (const ref of curated) {
      expect(ref.uri.startsWith(`${storage.root}/curated/`)).toBe(true);
      expect(ref.uri.startsWith(staging)).toBe(false);
      await expect(s3.lake.verifyFile(ref)).resolves.toMatchObject({ path: ref.uri });
      for (const input of ref.inputs ?? []) expect(rawUris.has(input.uri)).toBe(true);
    }
    const [lineage] = await pipeline.queryTable<{ outside: number }>('earthquakes', `count(*) FILTER (WHERE _raw_uri NOT LIKE ${sqlString(`${storage.root}/raw/%`)})::INTEGER AS outside`);
    expect(lineage?.outside).toBe(0);
    // no raw, curated or staged file in the local lake folder
    const local = await readdir(pipeline.lakeDir, { recursive: true, withFileTypes: true }).catch(() => []);
    expect(local.filter((entry) => entry.isFile() && !entry.parentPath.includes('quarantine')).map((entry) => join(entry.parentPath, entry.name))).toEqual([]);
  });

  it('leaves no staged object behind: the lake maintenance deletes what Spark staged once nothing can read it', async () => {
    const stagedObjects = () => pipeline.engine.all<{ file: string }>(`SELECT file FROM glob(${sqlString(`${staging}**`)})`);
    await eventually(stagedObjects, (files) => files.length === 0, 'the staged objects are swept', 300_000);
  });

  it('sends nothing to the dead-letter topic', async () => {
    expect(await pipeline.deadLetters()).toEqual([]);
  });
});
