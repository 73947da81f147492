/**
 * Issue 12, part 4: the raw zone on S3-compatible storage, against the real Versity S3 Gateway
 * `npm test` starts (FLUXO_TEST_S3_*; fails, never skips, without it). Each test run works under a
 * fresh prefix of the shared test bucket.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { silentLogger } from '@fluxo/schema';
import { testS3LakeStorage } from '@fluxo/schema/testing';
import { ParquetEngine } from './engine';
import { ParquetIoError } from './errors';
import { writeRawObject } from './raw-object-writer';
import { S3Lake } from './s3-lake';
import { sqlReadParquet } from './sql';
import { pythonExecutable } from './testing/pyarrow';
import { aRawRow, someRawRows } from './testing/raw-rows';

const EXTENSION_DIR = process.env['FLUXO_DUCKDB_EXTENSION_DIR'] ?? join(__dirname, '..', '..', '..', '.fluxo', 'duckdb-extensions');

async function codeOf(promise: Promise<unknown> | (() => unknown)): Promise<string | undefined> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    if (error instanceof ParquetIoError) return error.code;
    throw error;
  }
  return undefined;
}

/** Reads an object with pyarrow's S3 filesystem (the AWS C++ SDK) in a real Python process; credentials through the environment. */
function readWithPyarrow(storage: ReturnType<typeof testS3LakeStorage>, url: string): Promise<{ rows: number; types: Record<string, string>; firstEventTime: string }> {
  const script = [
    'import json, os, sys',
    'import pyarrow.parquet as pq',
    'from pyarrow import fs',
    's3 = fs.S3FileSystem(access_key=os.environ["S3_KEY"], secret_key=os.environ["S3_SECRET"], endpoint_override=os.environ["S3_ENDPOINT"], scheme="http", region=os.environ["S3_REGION"], force_virtual_addressing=False)',
    't = pq.read_table(sys.argv[1][len("s3://"):], filesystem=s3)',
    'print(json.dumps({"rows": t.num_rows, "types": {f.name: str(f.type) for f in t.schema}, "firstEventTime": t.column("event_time")[0].as_py().isoformat()}))',
  ].join('\n');
  const env = { ...process.env, S3_KEY: storage.accessKeyId, S3_SECRET: storage.secretAccessKey, S3_ENDPOINT: storage.endpoint ?? '', S3_REGION: storage.region };
  return new Promise((resolve, reject) => {
    execFile(pythonExecutable(), ['-c', script, url], { env }, (error, stdout, stderr) => (error === null ? resolve(JSON.parse(stdout)) : reject(new Error(`pyarrow failed: ${error.message}\n${stderr}`))));
  });
}

describe('issue 12: the raw zone on S3-compatible storage (real Versity S3 Gateway)', () => {
  const storage = testS3LakeStorage('parquet-io');
  let engine: ParquetEngine;
  let lake: S3Lake;
  beforeAll(async () => {
    engine = await ParquetEngine.open({ logger: silentLogger, threads: 1, memoryLimitMb: 256, extensions: ['httpfs'], extensionDirectory: EXTENSION_DIR });
    lake = await S3Lake.open(engine, storage);
  });
  afterAll(async () => {
    await engine.close();
  });

  it('writes a raw file straight to its object, and its reference describes exactly the stored bytes', async () => {
    const rows = someRawRows(5000);
    const fetchedAt = new Date('2025-05-04T13:52:57.123Z');
    const written = await writeRawObject(engine, lake, { source: 'usgs', stem: 'poll-0001', fetchedAt, rows });
    await written.commit();
    expect(written.uri).toBe(`${storage.root}/raw/usgs/date=2025-05-04/poll-0001.parquet`);
    expect(written).toMatchObject({ rows: 5000, path: written.uri, minEventTime: '2025-05-04T00:00:00.000Z', maxEventTime: '2025-05-04T01:23:19.000Z' });
    const verified = await lake.verifyFile(written);
    expect(verified.path).toBe(written.uri);
    await verified.assertUnchanged();
    const [count] = await engine.all<{ n: number; keys: number }>(`SELECT count(*)::INTEGER AS n, count(DISTINCT record_key)::INTEGER AS keys FROM ${sqlReadParquet(verified.path)}`);
    expect(count).toEqual({ n: 5000, keys: 5000 });
    // the relative form of the same URI resolves to the same object
    await expect(lake.verifyFile({ ...written, uri: lake.toUri(written.uri) })).resolves.toMatchObject({ path: written.uri });

    const seen = await readWithPyarrow(storage, written.uri);
    expect(seen.rows).toBe(5000);
    expect(seen.types).toMatchObject({ record_key: 'string', event_time: 'timestamp[us, tz=UTC]', fetched_at: 'timestamp[us, tz=UTC]' });
    expect(Date.parse(seen.firstEventTime)).toBe(Date.parse('2025-05-04T00:00:00.000Z'));
  });

  it('refuses an object that differs from its reference, a missing one, and a second write of the same key', async () => {
    const written = await writeRawObject(engine, lake, { source: 'usgs', stem: 'poll-0002', fetchedAt: new Date('2025-05-05T00:00:00Z'), rows: [aRawRow()] });
    expect(await codeOf(lake.verifyFile({ ...written, bytes: written.bytes + 1 }))).toBe('SIZE_MISMATCH');
    expect(await codeOf(lake.verifyFile({ ...written, sha256: '0'.repeat(64) }))).toBe('CHECKSUM_MISMATCH');
    expect(await codeOf(lake.verifyFile({ ...written, uri: written.uri.replace('poll-0002', 'poll-9999') }))).toBe('FILE_MISSING');
    expect(await codeOf(writeRawObject(engine, lake, { source: 'usgs', stem: 'poll-0002', fetchedAt: new Date('2025-05-05T00:00:00Z'), rows: [aRawRow()] }))).toBe('ALREADY_EXISTS');
  });

  it('refuses URIs outside its root: another bucket, a sibling prefix, `..`, a local path', async () => {
    const inOtherBucket = `s3://other-bucket/${storage.prefix}/raw/usgs/date=2025-05-04/x.parquet`;
    const inSiblingPrefix = `${storage.root}x/raw/usgs/date=2025-05-04/x.parquet`;
    for (const uri of [inOtherBucket, inSiblingPrefix, `${storage.root}/raw/../../elsewhere/x.parquet`, 'raw/../../x.parquet', '/etc/passwd']) {
      expect({ uri, code: await codeOf(() => lake.resolve(uri)) }).toEqual({ uri, code: 'URI_OUTSIDE_LAKE' });
    }
    expect(await codeOf(() => lake.resolve(`${storage.root}/etc/x.parquet`))).toBe('INVALID_URI');
  });

  it('a sandboxed engine reaches objects under the lake root only', async () => {
    const sandboxed = await ParquetEngine.open({ logger: silentLogger, threads: 1, memoryLimitMb: 256, extensions: ['httpfs'], extensionDirectory: EXTENSION_DIR });
    try {
      const inside = await S3Lake.open(sandboxed, storage);
      await sandboxed.restrictFileAccess({ allowedDirectories: [inside.sandboxPrefix] });
      const written = await writeRawObject(sandboxed, inside, { source: 'usgs', stem: 'poll-0003', fetchedAt: new Date('2025-05-06T00:00:00Z'), rows: [aRawRow()] });
      await expect(inside.verifyFile(written)).resolves.toMatchObject({ path: written.uri });
      const outside = `s3://${storage.bucket}/elsewhere/raw/usgs/date=2025-05-06/poll-0003.parquet`;
      expect(await codeOf(sandboxed.all(`SELECT count(*) FROM ${sqlReadParquet(outside)}`))).toBe('ACCESS_DENIED');
      expect(await codeOf(sandboxed.all(`SELECT count(*) FROM read_blob('/etc/hostname')`))).toBe('ACCESS_DENIED');
    } finally {
      await sandboxed.close();
    }
  });
});
