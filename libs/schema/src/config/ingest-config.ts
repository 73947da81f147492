import { ArrayMinSize, IsArray, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength } from 'class-validator';
import { PIPELINE_APP_SETTINGS, PipelineAppConfig } from './common-settings';
import { loadEnvConfig, type EnvSetting } from './env-config';
import { kafkaSettings } from './kafka-config';
import { DEFAULT_METRICS_PORTS, metricsSettings } from './observability-settings';

/** Configuration of apps/ingest, the polling producer. */
export class IngestConfig extends PipelineAppConfig {
  /** Source specs: `name` or `name?param=value&intervalMs=…` (see libs/schema README). */
  @ArrayMinSize(1) @IsString({ each: true }) @MinLength(1, { each: true })
  sources!: string[];

  /** Serve every source from this origin instead of the internet (the replay server). */
  @IsOptional() @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  sourceBaseUrl?: string;

  @IsString() @MinLength(1)
  stateDir!: string;

  @IsInt() @Min(100) @Max(300_000)
  httpTimeoutMs!: number;

  @IsInt() @Min(0) @Max(20)
  httpRetryLimit!: number;

  @IsInt() @Min(10) @Max(60_000)
  httpRetryBaseDelayMs!: number;

  @IsInt() @Min(100) @Max(3_600_000)
  httpRetryMaxDelayMs!: number;

  @IsInt() @Min(1024) @Max(1_073_741_824)
  httpMaxResponseBytes!: number;

  /**
   * Origins (`https://host[:port]`, nothing after) a poll may be redirected to besides its own.
   * Empty: same-origin redirects only. Definition headers are never sent to another origin.
   */
  @IsOptional() @IsArray() @Matches(/^https?:\/\/[^/?#@\s]+$/, { each: true, message: 'each origin must look like https://host[:port], without path' })
  httpRedirectOrigins?: string[];

  /** Largest record (its JSON text) written to the lake; a larger one is dead-lettered as RECORD_TOO_LARGE. */
  @IsInt() @Min(1024) @Max(67_108_864)
  maxRecordBytes!: number;

  /** How long a record version is remembered after the feed last showed it. */
  @IsInt() @Min(60_000)
  seenTtlMs!: number;
}

export const INGEST_SETTINGS: readonly EnvSetting<keyof IngestConfig>[] = [
  ...PIPELINE_APP_SETTINGS,
  { env: 'FLUXO_SOURCES', field: 'sources', kind: 'list', default: 'usgs-earthquakes,open-meteo-forecast', description: 'Sources to poll (comma-separated specs)' },
  { env: 'FLUXO_SOURCE_BASE_URL', field: 'sourceBaseUrl', kind: 'string', description: 'Origin replacing every source URL\'s (replay server); unset = live internet' },
  { env: 'FLUXO_STATE_DIR', field: 'stateDir', kind: 'string', default: '.fluxo/state/ingest', description: 'Poll state: seen versions, validators, pending announcements' },
  { env: 'FLUXO_HTTP_TIMEOUT_MS', field: 'httpTimeoutMs', kind: 'int', default: '15000', description: 'Timeout of one HTTP request' },
  { env: 'FLUXO_HTTP_RETRY_LIMIT', field: 'httpRetryLimit', kind: 'int', default: '4', description: 'Retries per poll (429, 5xx, network errors, broken bodies)' },
  { env: 'FLUXO_HTTP_RETRY_BASE_DELAY_MS', field: 'httpRetryBaseDelayMs', kind: 'int', default: '500', description: 'First retry delay; doubles each retry, with full jitter' },
  { env: 'FLUXO_HTTP_RETRY_MAX_DELAY_MS', field: 'httpRetryMaxDelayMs', kind: 'int', default: '30000', description: 'Cap of one retry delay, Retry-After included' },
  { env: 'FLUXO_HTTP_MAX_RESPONSE_BYTES', field: 'httpMaxResponseBytes', kind: 'int', default: '104857600', description: 'Largest response accepted' },
  { env: 'FLUXO_HTTP_REDIRECT_ORIGINS', field: 'httpRedirectOrigins', kind: 'list', description: 'Other origins a poll may follow a redirect to (comma-separated `https://host[:port]`); empty = same origin only. Definition headers are stripped on any cross-origin redirect' },
  { env: 'FLUXO_MAX_RECORD_BYTES', field: 'maxRecordBytes', kind: 'int', default: '1048576', description: 'Largest record (JSON text) accepted; larger ones are dead-lettered (RECORD_TOO_LARGE), never written' },
  { env: 'FLUXO_SEEN_TTL_MS', field: 'seenTtlMs', kind: 'int', default: '604800000', description: 'Forget a record version this long after it left the feed' },
  ...kafkaSettings('fluxo-ingest'),
  ...metricsSettings(DEFAULT_METRICS_PORTS.ingest),
];

export function loadIngestConfig(env: Readonly<Record<string, string | undefined>>): IngestConfig {
  return loadEnvConfig(IngestConfig, INGEST_SETTINGS, env);
}
