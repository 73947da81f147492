import { IsInt, IsString, Max, Min, MinLength } from 'class-validator';
import { PIPELINE_APP_SETTINGS, PipelineAppConfig } from './common-settings';
import { loadEnvConfig, type EnvSetting } from './env-config';
import { kafkaSettings } from './kafka-config';

/** Configuration of apps/normalizer, the consumer group that curates raw files. */
export class NormalizerConfig extends PipelineAppConfig {
  @IsString() @MinLength(1)
  groupId!: string;

  @IsInt() @Min(1) @Max(64)
  engineThreads!: number;

  @IsInt() @Min(64) @Max(65_536)
  engineMemoryLimitMb!: number;

  @IsInt() @Min(10) @Max(600_000)
  retryBaseDelayMs!: number;
}

export const NORMALIZER_SETTINGS: readonly EnvSetting<keyof NormalizerConfig>[] = [
  ...PIPELINE_APP_SETTINGS,
  { env: 'FLUXO_NORMALIZER_GROUP', field: 'groupId', kind: 'string', default: 'fluxo-normalizer', description: 'Consumer group id' },
  { env: 'FLUXO_ENGINE_THREADS', field: 'engineThreads', kind: 'int', default: '2', description: 'DuckDB worker threads' },
  { env: 'FLUXO_ENGINE_MEMORY_LIMIT_MB', field: 'engineMemoryLimitMb', kind: 'int', default: '512', description: 'DuckDB memory limit' },
  { env: 'FLUXO_RETRY_BASE_DELAY_MS', field: 'retryBaseDelayMs', kind: 'int', default: '1000', description: 'First delay before retrying a retriable failure (doubles, capped at 60 s)' },
  ...kafkaSettings('fluxo-normalizer'),
];

export function loadNormalizerConfig(env: Readonly<Record<string, string | undefined>>): NormalizerConfig {
  return loadEnvConfig(NormalizerConfig, NORMALIZER_SETTINGS, env);
}
