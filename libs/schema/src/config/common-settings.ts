import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { KafkaConnectionConfig } from './kafka-config';
import type { EnvSetting } from './env-config';

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Settings every pipeline app has: where the lake is, extra definitions, identity, log level. */
export class PipelineAppConfig extends KafkaConnectionConfig {
  @IsString() @MinLength(1)
  lakeDir!: string;

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
