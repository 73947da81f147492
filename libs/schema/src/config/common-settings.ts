import { IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength, ValidateIf } from 'class-validator';
import { KafkaConnectionConfig } from './kafka-config';
import type { EnvSetting } from './env-config';
import { LAKE_STORAGE_SETTINGS, S3_ROOT, S3_URL_STYLES, type S3UrlStyle } from './lake-storage';

const REQUIRED_WITH_S3 = 'is required when FLUXO_LAKE_ROOT is an s3:// root';
const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Settings every pipeline app has: where the lake is, extra definitions, identity, log level. */
export class PipelineAppConfig extends KafkaConnectionConfig {
  @IsString() @MinLength(1)
  lakeDir!: string;

  // The lake on S3-compatible storage instead (lake-storage.ts: settings, and lakeStorageOf).
  /** `s3://bucket[/prefix]` for the raw and curated zones; unset: the lake is the local directory `lakeDir`. */
  @IsOptional() @IsString() @Matches(S3_ROOT, { message: 'must be s3://bucket or s3://bucket/prefix (bucket: 3–63 of a-z, 0-9, ".", "-"; no trailing "/")' })
  lakeRoot?: string;

  /** The S3 server, `http(s)://host[:port]`; unset: AWS's regional endpoint. */
  @IsOptional() @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'], require_valid_protocol: true }, { message: 'must be http(s)://host[:port]' })
  @Matches(/^https?:\/\/[^/?#]+\/?$/, { message: 'must be http(s)://host[:port], without a path' })
  s3Endpoint?: string;

  @IsString() @MinLength(1)
  s3Region!: string;

  @IsIn(S3_URL_STYLES, { message: `must be one of ${S3_URL_STYLES.join(', ')}` })
  s3UrlStyle!: S3UrlStyle;

  /** From AWS_ACCESS_KEY_ID: required with an s3:// lake root. */
  @ValidateIf((config: PipelineAppConfig) => config.lakeRoot !== undefined)
  @IsString({ message: REQUIRED_WITH_S3 }) @MinLength(1, { message: REQUIRED_WITH_S3 })
  s3AccessKeyId?: string;

  /** From AWS_SECRET_ACCESS_KEY: required with an s3:// lake root. */
  @ValidateIf((config: PipelineAppConfig) => config.lakeRoot !== undefined)
  @IsString({ message: REQUIRED_WITH_S3 }) @MinLength(1, { message: REQUIRED_WITH_S3 })
  s3SecretAccessKey?: string;

  /** From AWS_SESSION_TOKEN: temporary credentials only. */
  @IsOptional() @IsString() @MinLength(1)
  s3SessionToken?: string;

  /** Where DuckDB finds its extensions: ducklake and the catalog back ends, httpfs for an s3:// lake (tools/duckdb-extensions installs them). */
  @IsString() @MinLength(1)
  duckdbExtensionDir!: string;

  @IsOptional() @IsString() @MinLength(1)
  definitionsDir?: string;

  @IsOptional() @IsString() @MinLength(1)
  instanceId?: string;

  @IsIn(LOG_LEVELS)
  logLevel!: LogLevel;

  /** Interface of the metrics and health endpoint (observability-settings.ts). */
  @IsString() @Matches(/^[A-Za-z0-9.:-]+$/, { message: 'must be a host name or an IP address' })
  metricsHost!: string;

  /** Port of the metrics and health endpoint; 0 = off. */
  @IsInt() @Min(0) @Max(65_535)
  metricsPort!: number;
}

export const PIPELINE_APP_SETTINGS: EnvSetting<keyof PipelineAppConfig>[] = [
  { env: 'FLUXO_LAKE_DIR', field: 'lakeDir', kind: 'string', default: '.fluxo/lake', description: 'Root of the data lake (raw/, curated/, quarantine/)' },
  ...LAKE_STORAGE_SETTINGS,
  { env: 'FLUXO_DUCKDB_EXTENSION_DIR', field: 'duckdbExtensionDir', kind: 'string', default: '.fluxo/duckdb-extensions', description: 'DuckDB extensions (installed by tools/duckdb-extensions)' },
  { env: 'FLUXO_DEFINITIONS_DIR', field: 'definitionsDir', kind: 'string', description: 'Folder with extra sources/*.json and datasets/*.json' },
  { env: 'FLUXO_INSTANCE_ID', field: 'instanceId', kind: 'string', description: 'Producer identity in references (default host:pid)' },
  { env: 'FLUXO_LOG_LEVEL', field: 'logLevel', kind: 'string', default: 'info', description: 'debug, info, warn or error' },
];

/**
 * How often an app that follows its definitions folder while running (ingest, stream-ingest,
 * normalizer) scans it
 * for added, changed or removed files. Declared by those apps' config classes as
 * `definitionsScanIntervalMs` (`@IsInt() @Min(100) @Max(3_600_000)`).
 */
export const DEFINITIONS_SCAN_SETTING: EnvSetting<'definitionsScanIntervalMs'> = {
  env: 'FLUXO_DEFINITIONS_SCAN_INTERVAL_MS',
  field: 'definitionsScanIntervalMs',
  kind: 'int',
  default: '5000',
  description: 'How often FLUXO_DEFINITIONS_DIR is scanned for added, changed or removed definitions (applied without a restart)',
};
