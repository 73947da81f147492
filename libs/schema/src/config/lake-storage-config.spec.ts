import { SchemaError } from '../errors';
import { redactConfig } from './env-config';
import { INGEST_SETTINGS, loadIngestConfig } from './ingest-config';
import { lakeStorageOf } from './lake-storage';
import { loadNormalizerConfig } from './normalizer-config';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadIngestConfig(env);
  } catch (error) {
    if (error instanceof SchemaError) return [...error.problems];
    throw error;
  }
  return [];
}

const S3_ENV = {
  FLUXO_LAKE_ROOT: 's3://fluxo-lake/prod/lake',
  FLUXO_S3_ENDPOINT: 'http://127.0.0.1:7070',
  AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEKEY',
  AWS_SECRET_ACCESS_KEY: 'very-secret-value',
};

describe('issue 12: the lake on S3-compatible storage is configuration', () => {
  it('is the local FLUXO_LAKE_DIR by default, with no credentials needed', () => {
    expect(lakeStorageOf(loadIngestConfig({ FLUXO_LAKE_DIR: '/data/lake' }))).toEqual({ kind: 'local', dir: '/data/lake' });
  });

  it('takes an s3:// root, endpoint, region and path style, with credentials from the standard AWS variables', () => {
    const storage = lakeStorageOf(loadNormalizerConfig({ ...S3_ENV, FLUXO_S3_REGION: 'eu-west-1' }));
    expect(storage).toEqual({
      kind: 's3',
      root: 's3://fluxo-lake/prod/lake',
      bucket: 'fluxo-lake',
      prefix: 'prod/lake',
      endpoint: '127.0.0.1:7070',
      useSsl: false,
      region: 'eu-west-1',
      urlStyle: 'path',
      accessKeyId: 'AKIAEXAMPLEKEY',
      secretAccessKey: 'very-secret-value',
      sessionToken: undefined,
    });
    expect(lakeStorageOf(loadIngestConfig({ ...S3_ENV, FLUXO_LAKE_ROOT: 's3://fluxo-lake', FLUXO_S3_ENDPOINT: 'https://s3.example.com', FLUXO_S3_URL_STYLE: 'vhost' }))).toMatchObject({
      bucket: 'fluxo-lake',
      prefix: '',
      endpoint: 's3.example.com',
      useSsl: true,
      urlStyle: 'vhost',
    });
  });

  it('never logs the credentials', () => {
    const logged = JSON.stringify(redactConfig(loadIngestConfig({ ...S3_ENV, AWS_SESSION_TOKEN: 'session-token-value' }), INGEST_SETTINGS));
    for (const secret of ['AKIAEXAMPLEKEY', 'very-secret-value', 'session-token-value']) expect(logged).not.toContain(secret);
    expect(logged).toContain('s3://fluxo-lake/prod/lake');
  });

  it('lists every problem at startup: a malformed root, endpoint and style, and each missing credential', () => {
    expect(problemsOf({ FLUXO_LAKE_ROOT: 's3://Bad_Bucket/x/', FLUXO_S3_ENDPOINT: 'ftp://host/path', FLUXO_S3_URL_STYLE: 'virtual' })).toEqual([
      expect.stringMatching(/^FLUXO_LAKE_ROOT: must be s3:\/\/bucket or s3:\/\/bucket\/prefix/),
      expect.stringMatching(/^FLUXO_S3_ENDPOINT: must be http\(s\):\/\/host\[:port\]/),
      'FLUXO_S3_URL_STYLE: must be one of path, vhost',
      'AWS_ACCESS_KEY_ID: is required when FLUXO_LAKE_ROOT is an s3:// root',
      'AWS_SECRET_ACCESS_KEY: is required when FLUXO_LAKE_ROOT is an s3:// root',
    ]);
    expect(problemsOf({ ...S3_ENV, FLUXO_LAKE_ROOT: 's3://fluxo-lake/a/../b' })).toEqual([expect.stringMatching(/^FLUXO_LAKE_ROOT: /)]);
    expect(problemsOf({ ...S3_ENV, FLUXO_LAKE_ROOT: '/data/lake' })).toEqual([expect.stringMatching(/^FLUXO_LAKE_ROOT: /)]);
  });
});
