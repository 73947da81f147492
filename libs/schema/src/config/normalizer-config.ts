import { IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength, ValidateIf } from 'class-validator';
import { SQL_ENGINES, type SqlEngine } from '../sources/dataset-mapping';
import { MAINTENANCE_APP_SETTINGS, MaintenanceAppConfig } from './maintenance-settings';
import { DEFINITIONS_SCAN_SETTING } from './common-settings';
import { loadEnvConfig, type EnvSetting } from './env-config';
import { kafkaSettings } from './kafka-config';
import { DEFAULT_METRICS_PORTS, metricsSettings } from './observability-settings';

/** Configuration of apps/normalizer, the consumer group that curates raw files. */
export class NormalizerConfig extends MaintenanceAppConfig {
  @IsString() @MinLength(1)
  groupId!: string;

  /**
   * The SQL engine that maps raw rows: `duckdb` (embedded) or `spark` (a Spark Connect server,
   * `sparkRemote`). The catalog commit is the embedded DuckDB's with either (decision 0008).
   */
  @IsIn(SQL_ENGINES, { message: `must be one of ${SQL_ENGINES.join(', ')}` })
  engine!: SqlEngine;

  /** Spark Connect address, `sc://host[:port]/;token=…` (a secret: the token); required when `engine` is `spark`. */
  @ValidateIf((config: NormalizerConfig) => config.engine === 'spark')
  @IsString() @Matches(/^sc:\/\/\S+$/, { message: 'must be a Spark Connect address sc://host[:port][/;param=value…] when FLUXO_ENGINE is spark' })
  sparkRemote?: string;

  @IsInt() @Min(1) @Max(64)
  engineThreads!: number;

  @IsInt() @Min(64) @Max(65_536)
  engineMemoryLimitMb!: number;

  @IsInt() @Min(10) @Max(600_000)
  retryBaseDelayMs!: number;

  /** A commit takes at most this many queued raw files… */
  @IsInt() @Min(1) @Max(10_000)
  commitMaxFiles!: number;

  /** …and at most this many raw rows (the batch is cut before the file that would pass it). */
  @IsInt() @Min(1) @Max(100_000_000)
  commitMaxRows!: number;

  /** …and at most this many raw bytes. */
  @IsInt() @Min(1) @Max(16_000_000_000)
  commitMaxBytes!: number;

  /** …and no file joins a commit whose first file has waited this long (staging the others). */
  @IsInt() @Min(0) @Max(3_600_000)
  commitMaxAgeMs!: number;

  /** Attempts at one raw file (memory errors included) before it is dead-lettered. */
  @IsInt() @Min(1) @Max(100)
  maxAttempts!: number;

  /** Consecutive raw files with a column absent or uncastable in every row before SCHEMA_DRIFT is dead-lettered. */
  @IsInt() @Min(1) @Max(1000)
  schemaDriftFiles!: number;

  /** How often the definitions folder is scanned for changes (also before each batch), applied without a restart. */
  @IsInt() @Min(100) @Max(3_600_000)
  definitionsScanIntervalMs!: number;

  /** Table maintenance (compaction, snapshot expiry, file deletion) every this often; 0 = never. */
  @IsInt() @Min(0) @Max(86_400_000)
  maintenanceIntervalMs!: number;

  /** OpenLineage HTTP endpoint each commit's run events are POSTed to (e.g. Marquez `http://host:5000/api/v1/lineage`). */
  @IsOptional() @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  lineageUrl?: string;

  /** JSON-lines file each commit's run events are appended to. */
  @IsOptional() @IsString() @MinLength(1)
  lineageFile?: string;

  /** Namespace of the lineage jobs (`normalizer.<dataset>`). */
  @IsString() @Matches(/^\S{1,200}$/, { message: 'must be 1 to 200 characters without spaces' })
  lineageNamespace!: string;

  @IsInt() @Min(100) @Max(120_000)
  lineageTimeoutMs!: number;
}

export const NORMALIZER_SETTINGS: readonly EnvSetting<keyof NormalizerConfig>[] = [
  ...MAINTENANCE_APP_SETTINGS,
  { env: 'FLUXO_NORMALIZER_GROUP', field: 'groupId', kind: 'string', default: 'fluxo-normalizer', description: 'Consumer group id' },
  { env: 'FLUXO_ENGINE', field: 'engine', kind: 'string', default: 'duckdb', description: 'SQL engine that maps raw rows: duckdb (embedded) or spark (Spark Connect at FLUXO_SPARK_REMOTE); commits stay DuckDB\'s' },
  { env: 'FLUXO_SPARK_REMOTE', field: 'sparkRemote', kind: 'string', secret: true, description: 'Spark Connect address sc://host[:port]/;token=… (required with FLUXO_ENGINE=spark; never logged)' },
  { env: 'FLUXO_ENGINE_THREADS', field: 'engineThreads', kind: 'int', default: '2', description: 'DuckDB worker threads' },
  { env: 'FLUXO_ENGINE_MEMORY_LIMIT_MB', field: 'engineMemoryLimitMb', kind: 'int', default: '512', description: 'DuckDB memory limit' },
  { env: 'FLUXO_RETRY_BASE_DELAY_MS', field: 'retryBaseDelayMs', kind: 'int', default: '1000', description: 'First delay before retrying a retriable failure (doubles, capped at 60 s)' },
  { env: 'FLUXO_COMMIT_MAX_FILES', field: 'commitMaxFiles', kind: 'int', default: '200', description: 'Raw files per table commit at most (a backlog drains in large commits)' },
  { env: 'FLUXO_COMMIT_MAX_ROWS', field: 'commitMaxRows', kind: 'int', default: '50000', description: 'Raw rows per table commit at most: staged rows are held in memory until the commit, so this bounds the memory of a backlog drain' },
  { env: 'FLUXO_COMMIT_MAX_BYTES', field: 'commitMaxBytes', kind: 'int', default: '16777216', description: 'Raw bytes per table commit at most' },
  { env: 'FLUXO_COMMIT_MAX_AGE_MS', field: 'commitMaxAgeMs', kind: 'int', default: '5000', description: 'No raw file joins a commit whose first file has waited this long (bounds how long a commit runs)' },
  { env: 'FLUXO_MAX_ATTEMPTS', field: 'maxAttempts', kind: 'int', default: '5', description: 'Attempts at a failing raw file before it is dead-lettered' },
  DEFINITIONS_SCAN_SETTING,
  { env: 'FLUXO_SCHEMA_DRIFT_FILES', field: 'schemaDriftFiles', kind: 'int', default: '3', description: 'Consecutive raw files with a column absent or uncastable in every row before a SCHEMA_DRIFT dead letter' },
  { env: 'FLUXO_MAINTENANCE_INTERVAL_MS', field: 'maintenanceIntervalMs', kind: 'int', default: '300000', description: 'Compaction, snapshot expiry and file deletion every this often (0: never)' },
  { env: 'FLUXO_LINEAGE_URL', field: 'lineageUrl', kind: 'string', description: 'OpenLineage HTTP endpoint for one run event per commit (e.g. http://marquez:5000/api/v1/lineage); unset = off' },
  { env: 'FLUXO_LINEAGE_FILE', field: 'lineageFile', kind: 'string', description: 'JSON-lines file the OpenLineage run events are appended to; unset = off' },
  { env: 'FLUXO_LINEAGE_NAMESPACE', field: 'lineageNamespace', kind: 'string', default: 'fluxo', description: 'OpenLineage namespace of the normalizer jobs (normalizer.<dataset>)' },
  { env: 'FLUXO_LINEAGE_TIMEOUT_MS', field: 'lineageTimeoutMs', kind: 'int', default: '5000', description: 'Timeout of one POST to FLUXO_LINEAGE_URL (a failure is logged and counted, never stops curation)' },
  ...kafkaSettings('fluxo-normalizer'),
  ...metricsSettings(DEFAULT_METRICS_PORTS.normalizer),
];

export function loadNormalizerConfig(env: Readonly<Record<string, string | undefined>>): NormalizerConfig {
  return loadEnvConfig(NormalizerConfig, NORMALIZER_SETTINGS, env);
}
