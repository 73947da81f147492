import { IsArray, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { CATALOG_APP_SETTINGS, CatalogAppConfig } from './catalog-settings';
import { loadEnvConfig, type EnvSetting } from './env-config';
import { kafkaSettings } from './kafka-config';
import { DEFAULT_METRICS_PORTS, metricsSettings } from './observability-settings';

/** Configuration of apps/web, the read-only dashboard (a Next.js server). */
export class WebConfig extends CatalogAppConfig {
  /** Interface the server binds to; loopback by default, the dashboard has no authentication. */
  @IsString() @Matches(/^[A-Za-z0-9.:-]+$/, { message: 'must be a host name or an IP address' })
  webHost!: string;

  @IsInt() @Min(1) @Max(65_535)
  webPort!: number;

  /** The normalizer's consumer group, whose lag on the raw-files topic the dashboard shows. */
  @IsString() @MinLength(1)
  normalizerGroup!: string;

  /** How often pipeline health (lag, rates, freshness) is sampled and pushed to browsers. */
  @IsInt() @Min(250) @Max(60_000)
  statusIntervalMs!: number;

  /** A browser that heard nothing for this long marks the page stale. */
  @IsInt() @Min(1_000) @Max(600_000)
  staleAfterMs!: number;

  @IsInt() @Min(1) @Max(64)
  engineThreads!: number;

  @IsInt() @Min(64) @Max(65_536)
  engineMemoryLimitMb!: number;

  /** Live connections (SSE) served at once; more get 503 with Retry-After. */
  @IsInt() @Min(1) @Max(10_000)
  maxStreams!: number;

  /**
   * Host names (without port) the dashboard answers to; anything else gets 421, so a DNS-rebinding
   * page cannot read it. Default: localhost, 127.0.0.1, [::1] and FLUXO_WEB_HOST.
   */
  @IsOptional() @IsArray() @IsString({ each: true }) @Matches(/^[A-Za-z0-9.:[\]-]+$/, { each: true, message: 'each allowed host must be a host name or an IP address' })
  allowedHosts?: string[];
}

export const WEB_SETTINGS: readonly EnvSetting<keyof WebConfig>[] = [
  ...CATALOG_APP_SETTINGS,
  { env: 'FLUXO_WEB_HOST', field: 'webHost', kind: 'string', default: '127.0.0.1', description: 'Interface to bind (loopback by default; the dashboard has no login)' },
  { env: 'FLUXO_WEB_PORT', field: 'webPort', kind: 'int', default: '3000', description: 'HTTP port' },
  { env: 'FLUXO_NORMALIZER_GROUP', field: 'normalizerGroup', kind: 'string', default: 'fluxo-normalizer', description: 'Consumer group whose lag on the raw-files topic is shown' },
  { env: 'FLUXO_WEB_STATUS_INTERVAL_MS', field: 'statusIntervalMs', kind: 'int', default: '2000', description: 'Pipeline health sampling and push interval' },
  { env: 'FLUXO_WEB_STALE_AFTER_MS', field: 'staleAfterMs', kind: 'int', default: '10000', description: 'Silence after which a page says its data is stale' },
  { env: 'FLUXO_ENGINE_THREADS', field: 'engineThreads', kind: 'int', default: '2', description: 'DuckDB worker threads' },
  { env: 'FLUXO_ENGINE_MEMORY_LIMIT_MB', field: 'engineMemoryLimitMb', kind: 'int', default: '512', description: 'DuckDB memory limit' },
  { env: 'FLUXO_WEB_MAX_STREAMS', field: 'maxStreams', kind: 'int', default: '32', description: 'Live (SSE) connections served at once; more get 503' },
  { env: 'FLUXO_WEB_ALLOWED_HOSTS', field: 'allowedHosts', kind: 'list', description: 'Host names the dashboard answers to (default: localhost, 127.0.0.1, [::1] and FLUXO_WEB_HOST); others get 421' },
  ...kafkaSettings('fluxo-web'),
  ...metricsSettings(DEFAULT_METRICS_PORTS.web),
];

/** The host names a dashboard configured so answers to (lower-case, no port). */
export function allowedWebHosts(config: Pick<WebConfig, 'allowedHosts' | 'webHost'>): Set<string> {
  const hosts = config.allowedHosts ?? ['localhost', '127.0.0.1', '[::1]', config.webHost];
  return new Set(hosts.map((host) => host.toLowerCase()));
}

/** The host name of a Host header, lower-case, without its port (`[::1]:3000` → `[::1]`). */
export function hostNameOf(header: string): string {
  const host = header.trim().toLowerCase();
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.lastIndexOf(':');
  return colon < 0 ? host : host.slice(0, colon);
}

export function loadWebConfig(env: Readonly<Record<string, string | undefined>>): WebConfig {
  return loadEnvConfig(WebConfig, WEB_SETTINGS, env);
}
