import type { EnvSetting } from './env-config';

type LakeStorageField = 'lakeRoot' | 's3Endpoint' | 's3Region' | 's3UrlStyle' | 's3AccessKeyId' | 's3SecretAccessKey' | 's3SessionToken';
type LakeStorageConfig = { readonly lakeDir: string } & { readonly [Field in LakeStorageField]?: string };

export const S3_URL_STYLES = ['path', 'vhost'] as const;
export type S3UrlStyle = (typeof S3_URL_STYLES)[number];

/** `s3://bucket` or `s3://bucket/prefix` (bucket names: 3–63 of a-z, 0-9, '.', '-'; a prefix without `..`, spaces or a trailing `/`). */
export const S3_ROOT = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])((?:\/(?!\.\.?(?:\/|$))[A-Za-z0-9._=-]+)*)$/;

/** The lake-storage settings of every pipeline app (fields declared on PipelineAppConfig). */
export const LAKE_STORAGE_SETTINGS: EnvSetting<LakeStorageField>[] = [
  { env: 'FLUXO_LAKE_ROOT', field: 'lakeRoot', kind: 'string', description: 'The lake on S3-compatible storage: s3://bucket[/prefix] for the raw and curated zones (unset: FLUXO_LAKE_DIR)' },
  { env: 'FLUXO_S3_ENDPOINT', field: 's3Endpoint', kind: 'string', description: 'S3 server http(s)://host[:port] (unset: AWS)' },
  { env: 'FLUXO_S3_REGION', field: 's3Region', kind: 'string', default: 'us-east-1', description: 'S3 region' },
  { env: 'FLUXO_S3_URL_STYLE', field: 's3UrlStyle', kind: 'string', default: 'path', description: 'path (http://host/bucket/key; most S3-compatible servers) or vhost (http://bucket.host/key)' },
  { env: 'AWS_ACCESS_KEY_ID', field: 's3AccessKeyId', kind: 'string', secret: true, description: 'S3 access key (required with an s3:// FLUXO_LAKE_ROOT; never logged)' },
  { env: 'AWS_SECRET_ACCESS_KEY', field: 's3SecretAccessKey', kind: 'string', secret: true, description: 'S3 secret key (required with an s3:// FLUXO_LAKE_ROOT; never logged)' },
  { env: 'AWS_SESSION_TOKEN', field: 's3SessionToken', kind: 'string', secret: true, description: 'S3 session token, for temporary credentials only (never logged)' },
];

/** An S3-compatible lake root with everything a client needs to reach it. */
export interface S3LakeStorage {
  readonly kind: 's3';
  /** `s3://bucket[/prefix]`, no trailing slash. */
  readonly root: string;
  readonly bucket: string;
  /** The key prefix, '' or `a/b` (no leading or trailing slash). */
  readonly prefix: string;
  /** `host[:port]`, or undefined for AWS. */
  readonly endpoint: string | undefined;
  readonly useSsl: boolean;
  readonly region: string;
  readonly urlStyle: S3UrlStyle;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string | undefined;
}

/** Where the lake is: a local directory, or S3-compatible storage. One home for that choice. */
export type LakeStorage = { readonly kind: 'local'; readonly dir: string } | S3LakeStorage;

/** The lake storage of a validated pipeline app config (the s3:// root wins over the local directory). */
export function lakeStorageOf(config: LakeStorageConfig): LakeStorage {
  if (config.lakeRoot === undefined) return { kind: 'local', dir: config.lakeDir };
  const match = S3_ROOT.exec(config.lakeRoot);
  if (match?.[1] === undefined || config.s3AccessKeyId === undefined || config.s3SecretAccessKey === undefined) {
    throw new Error('lakeStorageOf needs a validated config (loadEnvConfig checks FLUXO_LAKE_ROOT and the AWS credentials)');
  }
  const endpoint = config.s3Endpoint === undefined ? undefined : new URL(config.s3Endpoint);
  return {
    kind: 's3',
    root: config.lakeRoot,
    bucket: match[1],
    prefix: (match[2] ?? '').replace(/^\//, ''),
    endpoint: endpoint?.host,
    useSsl: endpoint === undefined || endpoint.protocol === 'https:',
    region: config.s3Region ?? 'us-east-1',
    urlStyle: config.s3UrlStyle === 'vhost' ? 'vhost' : 'path',
    accessKeyId: config.s3AccessKeyId,
    secretAccessKey: config.s3SecretAccessKey,
    sessionToken: config.s3SessionToken,
  };
}
