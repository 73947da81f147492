/** Builders for tests in any project: valid by default, override what the test is about. */
import { randomUUID } from 'node:crypto';
import { FILE_REFERENCE_VERSION, type FileReferenceFields } from './events/file-reference';
import type { Logger } from './logger';
import { lakeStorageOf, type S3LakeStorage } from './config/lake-storage';

export function aFileReference(overrides: Partial<FileReferenceFields> = {}): FileReferenceFields {
  return {
    schemaVersion: FILE_REFERENCE_VERSION,
    eventId: randomUUID(),
    kind: 'raw',
    source: 'usgs-earthquakes',
    dataset: 'earthquakes',
    uri: 'raw/usgs-earthquakes/date=2025-05-04/poll-0001.parquet',
    sha256: 'a'.repeat(64),
    bytes: 1234,
    rows: 10,
    schemaFingerprint: 'b'.repeat(64),
    minEventTime: '2025-05-04T13:00:00.000Z',
    maxEventTime: '2025-05-04T13:52:57.000Z',
    producer: { app: 'ingest', instance: 'test-host:1', version: '0.1.0' },
    producedAt: '2025-05-04T13:53:00.000Z',
    inputs: undefined,
    ...overrides,
  };
}

export interface RecordedLog {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly fields: Record<string, unknown>;
  readonly message: string | undefined;
}

/** A Logger that keeps every entry, so tests can assert what was logged. */
export function recordingLogger(entries: RecordedLog[] = [], bindings: object = {}): Logger & { readonly entries: RecordedLog[] } {
  const log = (level: RecordedLog['level']) => (fields: object, message?: string) => {
    entries.push({ level, fields: { ...bindings, ...fields }, message });
  };
  return {
    entries,
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (more: object) => recordingLogger(entries, { ...bindings, ...more }),
  };
}

/**
 * The lake storage of the test S3 server under a fresh prefix of the shared test bucket
 * (`npm test` starts the server: FLUXO_TEST_S3_ENDPOINT, FLUXO_TEST_S3_REGION,
 * FLUXO_TEST_S3_ACCESS_KEY_ID, FLUXO_TEST_S3_SECRET_ACCESS_KEY, FLUXO_TEST_S3_BUCKET). Throws —
 * the test fails, never skips — when they are missing.
 */
export function testS3LakeStorage(prefix: string): S3LakeStorage {
  const names = ['FLUXO_TEST_S3_ENDPOINT', 'FLUXO_TEST_S3_ACCESS_KEY_ID', 'FLUXO_TEST_S3_SECRET_ACCESS_KEY', 'FLUXO_TEST_S3_BUCKET'] as const;
  const missing = names.filter((name) => (process.env[name] ?? '') === '');
  if (missing.length > 0) {
    throw new Error(`${missing.join(', ')} not set: start the S3 server with \`node tools/local-s3/s3.mjs start --bucket fluxo-test\` and export its endpoint and credentials/credentials.json (npm test does this)`);
  }
  const storage = lakeStorageOf({
    lakeDir: 'unused',
    lakeRoot: `s3://${process.env['FLUXO_TEST_S3_BUCKET']}/${prefix}-${randomUUID().slice(0, 8)}`,
    s3Endpoint: process.env['FLUXO_TEST_S3_ENDPOINT'],
    s3Region: process.env['FLUXO_TEST_S3_REGION'] ?? 'us-east-1',
    s3UrlStyle: 'path',
    s3AccessKeyId: process.env['FLUXO_TEST_S3_ACCESS_KEY_ID'],
    s3SecretAccessKey: process.env['FLUXO_TEST_S3_SECRET_ACCESS_KEY'],
  });
  if (storage.kind !== 's3') throw new Error('unreachable: an s3:// root gives S3 storage');
  return storage;
}
