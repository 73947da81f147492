/**
 * Issue 12, part 4: the six recorded USGS polls with the lake on S3-compatible storage — raw files
 * written by ingest and curated data files written by the normalizer (DuckDB engine) are objects on
 * the real Versity S3 Gateway `npm test` starts (FLUXO_TEST_S3_*); the catalog stays a local SQLite
 * file. Exactly 217 versions of 200 events, references carrying s3:// URIs inside the lake root.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { sqlString } from '@fluxo/parquet-io';
import { testS3LakeStorage } from '@fluxo/schema/testing';
import { eventually, PipelineHarness } from '@fluxo/e2e-harness';
import { announced, distinctReferences, everythingCurated, FAST_STREAM_ENV, nthLine, RECENTCHANGE } from './support/stream-checks';
import { SIX_POLLS_EXPECTED, curateSixPolls, expectRawObjectsOnS3 } from './support/six-polls';


describe('issue 12: the polling pipeline with the lake on S3 (real Versity S3 Gateway)', () => {
  const storage = testS3LakeStorage('e2e-polling');
  let pipeline: PipelineHarness;

  beforeAll(async () => {
    pipeline = await PipelineHarness.create('polling-s3', { s3: storage });
    await curateSixPolls(pipeline, {}, 'the six recorded polls are served and curated on S3');
  });
  afterAll(() => pipeline.close());

  it('holds every distinct (event_id, updated_at) version exactly once, read back through the catalog from S3', async () => {
    expect(await pipeline.curatedEarthquakes()).toEqual(SIX_POLLS_EXPECTED);
    const latest = await pipeline.queryTable<{ event_id: string }>('earthquakes_latest', 'event_id');
    expect(latest).toHaveLength(SIX_POLLS_EXPECTED.events);
  });

  it('announced raw files as s3:// objects inside the lake root, each matching its size and checksum', async () => {
    await expectRawObjectsOnS3(pipeline, storage.root);
    // no raw or curated file left in the local lake folder (streamed responses are staged there, then uploaded and dropped)
    const local = await readdir(pipeline.lakeDir, { recursive: true, withFileTypes: true }).catch(() => []);
    expect(local.filter((entry) => entry.isFile() && !entry.parentPath.includes('quarantine')).map((entry) => join(entry.parentPath, entry.name))).toEqual([]);
  });

  it('announced curated data files as s3:// objects that DuckDB reads back, with lineage to the raw objects', async () => {
    const s3 = pipeline.s3;
    if (s3 === undefined) throw new Error('the harness has no S3 lake');
    const raw = new Set((await pipeline.references('raw')).map((ref) => ref.uri));
    const curated = await pipeline.references('curated');
    expect(curated.length).toBeGreaterThan(0);
    for (const ref of curated) {
      expect(ref.uri.startsWith(`${storage.root}/curated/`)).toBe(true);
      await expect(s3.lake.verifyFile(ref)).resolves.toMatchObject({ path: ref.uri });
      for (const input of ref.inputs ?? []) expect(raw.has(input.uri)).toBe(true);
    }
    const [counted] = await pipeline.engine.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM read_parquet([${curated.map((ref) => sqlString(ref.uri)).join(', ')}])`);
    expect(counted?.n).toBe(curated.reduce((total, ref) => total + ref.rows, 0));
    const [lineage] = await pipeline.queryTable<{ outside: number }>('earthquakes', `count(*) FILTER (WHERE _raw_uri NOT LIKE ${sqlString(`${storage.root}/raw/%`)})::INTEGER AS outside`);
    expect(lineage?.outside).toBe(0);
  });

  it('sends nothing to the dead-letter topic', async () => {
    expect(await pipeline.deadLetters()).toEqual([]);
  });
});

describe('issue 12: the stream pipeline with the lake on S3 (real Versity S3 Gateway)', () => {
  const storage = testS3LakeStorage('e2e-stream');
  let pipeline: PipelineHarness;
  let curated: number;

  beforeAll(async () => {
    pipeline = await PipelineHarness.create('stream-s3', { s3: storage, replay: { sse: { eventsPerSecond: 400, heartbeatMs: 500 } } });
    await pipeline.startNormalizer();
    const producer = await pipeline.startStreamIngest(RECENTCHANGE, FAST_STREAM_ENV);
    await nthLine(producer, announced, 1);
    await eventually(() => pipeline.curatedCount('recentchange'), (rows) => rows >= 200, '200 events are curated');
    expect(await producer.stop()).toBe(0); // graceful: flushes what it received
    curated = await everythingCurated(pipeline, RECENTCHANGE, 'recentchange');
  });
  afterAll(() => pipeline.close());

  it('holds each streamed event exactly once, every raw file an s3:// object matching its reference', async () => {
    const s3 = pipeline.s3;
    if (s3 === undefined) throw new Error('the harness has no S3 lake');
    const [counts] = await pipeline.curatedRows<{ rows: number; events: number }>('recentchange', 'count(*)::INTEGER AS rows, count(DISTINCT event_id)::INTEGER AS events');
    expect(counts).toEqual({ rows: curated, events: curated });
    const files = distinctReferences(await pipeline.references('raw'), RECENTCHANGE);
    expect(files.reduce((total, ref) => total + ref.rows, 0)).toBe(curated);
    for (const ref of files) {
      expect(ref.uri.startsWith(`${storage.root}/raw/`)).toBe(true);
      await expect(s3.lake.verifyFile(ref)).resolves.toMatchObject({ path: ref.uri });
    }
    expect(await pipeline.deadLetters()).toEqual([]);
  });
});
