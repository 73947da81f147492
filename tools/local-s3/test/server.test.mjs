// @ts-check
/** The real gateway: start on a fresh directory, ListBuckets, CreateBucket lands as a directory, status, stop. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { createBucket, s3Status, startS3, stopS3 } from '../server.mjs';
import { listBuckets } from '../src/s3-request.mjs';

/** A port the OS says is free now (a fixed one can be any client's ephemeral port on a busy machine). */
async function freePort() {
  const server = createServer();
  await new Promise((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = server.address();
  await new Promise((resolve) => server.close(() => resolve(undefined)));
  assert.ok(address !== null && typeof address === 'object');
  return address.port;
}

test('starts, answers ListBuckets with its credentials only, creates buckets as directories, stops', { timeout: 300_000 }, async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'fluxo-local-s3-test-'));
  try {
    const s3 = await startS3({ port: await freePort(), dataDir });
    try {
      assert.deepEqual(await listBuckets(s3), []);
      await createBucket(s3, 'fluxo-lake');
      await createBucket(s3, 'fluxo-lake'); // idempotent
      assert.deepEqual(await listBuckets(s3), ['fluxo-lake']);
      assert.ok(existsSync(join(s3.objectsDir, 'fluxo-lake')), 'posix back end: a bucket is a directory');
      await assert.rejects(listBuckets({ ...s3, secretAccessKey: 'wrong' }), /HTTP 403/);
      const status = s3Status({ dataDir });
      assert.equal(status.running, true);
      assert.equal(status.running && status.credentials?.endpoint, s3.endpoint);
    } finally {
      await s3.stop();
    }
    assert.equal(s3Status({ dataDir }).running, false);
    assert.equal(await stopS3({ dataDir }), 'not-running');
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
