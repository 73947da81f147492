import { IsArray, IsInt, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';
import { MAINTENANCE_APP_SETTINGS, MaintenanceAppConfig } from './maintenance-settings';
import { loadEnvConfig, type EnvSetting } from './env-config';
import { kafkaSettings } from './kafka-config';
import { metricsSettings } from './observability-settings';

/**
 * Configuration of apps/cli, the operators' `fluxo` command. The same variables as the apps (lake,
 * catalog, Kafka, topics, the normalizer's group and maintenance policy), plus the thresholds
 * `fluxo status` judges health by and the bounds of its scans.
 */
export class CliConfig extends MaintenanceAppConfig {
  /** The normalizer's consumer group: whose lag `status` reports, whose progress `reprocess` leaves alone. */
  @IsString() @MinLength(1)
  normalizerGroup!: string;

  @IsInt() @Min(1) @Max(64)
  engineThreads!: number;

  @IsInt() @Min(64) @Max(65_536)
  engineMemoryLimitMb!: number;

  /** Unhealthy when more raw-file references than this wait for the normalizer. */
  @IsInt() @Min(0) @Max(1_000_000_000)
  statusMaxLagMessages!: number;

  /** Unhealthy when the oldest waiting reference is older than this. */
  @IsInt() @Min(0) @Max(31_536_000_000)
  statusMaxLagMs!: number;

  /** Unhealthy when more dead letters than this arrived within the window; any at all is a warning. */
  @IsInt() @Min(0) @Max(1_000_000_000)
  statusMaxDeadLetters!: number;

  /** The window `status` counts dead letters in. */
  @IsInt() @Min(1_000) @Max(31_536_000_000)
  statusWindowMs!: number;

  /** Unhealthy when a table's last commit is older than this; 0 turns the check off. */
  @IsInt() @Min(0) @Max(31_536_000_000)
  statusMaxStalenessMs!: number;

  /** Tables exempt from the staleness check (they only change on rare events). */
  @IsOptional() @IsArray() @IsString({ each: true })
  statusStalenessIgnore?: string[];

  /** At most this many records per partition are read by one dead-letter scan or lag attribution. */
  @IsInt() @Min(1) @Max(1_000_000)
  scanLimit!: number;

  /** Raw files staged per statement when reprocessing. */
  @IsInt() @Min(1) @Max(10_000)
  reprocessBatchFiles!: number;

}

export const CLI_SETTINGS: readonly EnvSetting<keyof CliConfig>[] = [
  // An interactive tool: warnings and errors only, unless asked.
  ...MAINTENANCE_APP_SETTINGS.map((setting) => (setting.env === 'FLUXO_LOG_LEVEL' ? { ...setting, default: 'warn' } : setting)),
  { env: 'FLUXO_NORMALIZER_GROUP', field: 'normalizerGroup', kind: 'string', default: 'fluxo-normalizer', description: "The normalizer's consumer group (lag, progress)" },
  // Every pipeline app's settings include its metrics endpoint; the CLI serves none (port 0).
  ...metricsSettings(0),
  { env: 'FLUXO_ENGINE_THREADS', field: 'engineThreads', kind: 'int', default: '2', description: 'DuckDB worker threads' },
  { env: 'FLUXO_ENGINE_MEMORY_LIMIT_MB', field: 'engineMemoryLimitMb', kind: 'int', default: '1024', description: 'DuckDB memory limit (spills to disk beyond it)' },
  { env: 'FLUXO_STATUS_MAX_LAG_MESSAGES', field: 'statusMaxLagMessages', kind: 'int', default: '1000', description: '`status` fails when more raw-file references wait for the normalizer' },
  { env: 'FLUXO_STATUS_MAX_LAG_MS', field: 'statusMaxLagMs', kind: 'int', default: '300000', description: '`status` fails when the oldest waiting reference is older' },
  { env: 'FLUXO_STATUS_MAX_DEAD_LETTERS', field: 'statusMaxDeadLetters', kind: 'int', default: '100', description: '`status` fails when more dead letters arrived in the window (any: a warning)' },
  { env: 'FLUXO_STATUS_WINDOW_MS', field: 'statusWindowMs', kind: 'int', default: '3600000', description: 'Window `status` counts dead letters in' },
  { env: 'FLUXO_STATUS_MAX_STALENESS_MS', field: 'statusMaxStalenessMs', kind: 'int', default: '0', description: "`status` fails when a table's last commit is older (0: not checked)" },
  { env: 'FLUXO_STATUS_STALENESS_IGNORE', field: 'statusStalenessIgnore', kind: 'list', default: 'stream_gaps', description: 'Tables the staleness check skips' },
  { env: 'FLUXO_CLI_SCAN_LIMIT', field: 'scanLimit', kind: 'int', default: '10000', description: 'Records per partition one dead-letter scan or lag attribution reads at most' },
  { env: 'FLUXO_REPROCESS_BATCH_FILES', field: 'reprocessBatchFiles', kind: 'int', default: '100', description: 'Raw files `reprocess` stages per statement' },
  ...kafkaSettings('fluxo-cli'),
];

export function loadCliConfig(env: Readonly<Record<string, string | undefined>>): CliConfig {
  return loadEnvConfig(CliConfig, CLI_SETTINGS, env);
}
