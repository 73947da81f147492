import type { S3LakeStorage } from '@fluxo/schema';
import { folderName, s3aUri, s3StagingGroupDir, sparkS3SessionConfig } from './spark-staging';

const storage: S3LakeStorage = {
  kind: 's3',
  root: 's3://lake-bucket/team/prod',
  bucket: 'lake-bucket',
  prefix: 'team/prod',
  endpoint: 's3.example.net:9000',
  useSsl: true,
  region: 'eu-west-1',
  urlStyle: 'vhost',
  accessKeyId: 'AKIAEXAMPLE',
  secretAccessKey: 'secret/example',
  sessionToken: undefined,
};

describe('the Spark engine on an S3 lake: names and session settings', () => {
  it('maps s3:// to s3a:// (same bucket and key) and refuses anything else', () => {
    expect(s3aUri('s3://lake-bucket/team/prod/raw/usgs/date=2025-05-04/a.parquet')).toBe('s3a://lake-bucket/team/prod/raw/usgs/date=2025-05-04/a.parquet');
    expect(() => s3aUri('/var/lake/raw/a.parquet')).toThrow('not an s3:// URI');
    expect(() => s3aUri('s3a://lake-bucket/x')).toThrow('not an s3:// URI');
  });

  it('stages under the curated DATA_PATH, one folder per consumer group (a safe path segment)', () => {
    expect(s3StagingGroupDir(storage.root, 'fluxo normalizer/1')).toBe('s3://lake-bucket/team/prod/curated/_staging/spark/fluxo_normalizer_1');
    expect(folderName('fluxo.raw-files-p0-o12')).toBe('fluxo.raw-files-p0-o12');
  });

  it('scopes every S3A setting to the lake bucket, from the normalizer configuration', () => {
    const b = 'fs.s3a.bucket.lake-bucket.';
    expect(sparkS3SessionConfig(storage)).toEqual({
      [`${b}endpoint`]: 'https://s3.example.net:9000',
      [`${b}endpoint.region`]: 'eu-west-1',
      [`${b}path.style.access`]: 'false',
      [`${b}connection.ssl.enabled`]: 'true',
      [`${b}aws.credentials.provider`]: 'org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider',
      [`${b}access.key`]: 'AKIAEXAMPLE',
      [`${b}secret.key`]: 'secret/example',
    });
  });

  it('uses temporary credentials with a session token, and AWS itself without an endpoint', () => {
    const b = 'fs.s3a.bucket.lake-bucket.';
    const settings = sparkS3SessionConfig({ ...storage, endpoint: undefined, urlStyle: 'path', sessionToken: 'token-1' });
    expect(settings).toMatchObject({
      [`${b}aws.credentials.provider`]: 'org.apache.hadoop.fs.s3a.TemporaryAWSCredentialsProvider',
      [`${b}session.token`]: 'token-1',
      [`${b}path.style.access`]: 'true',
    });
    expect(settings).not.toHaveProperty(`${b}endpoint`);
  });
});
