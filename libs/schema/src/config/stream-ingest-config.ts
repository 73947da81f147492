import { ArrayMinSize, IsInt, IsOptional, IsString, IsUrl, Max, Min, MinLength } from 'class-validator';
import { PIPELINE_APP_SETTINGS, PipelineAppConfig } from './common-settings';
import { loadEnvConfig, type EnvSetting } from './env-config';
import { kafkaSettings } from './kafka-config';
import { DEFAULT_METRICS_PORTS, metricsSettings } from './observability-settings';

/** Configuration of apps/stream-ingest, the streaming producer (SSE / WebSocket → micro-batches). */
export class StreamIngestConfig extends PipelineAppConfig {
  /** Stream specs: `name` or `name?param=value` (stream source definitions). */
  @ArrayMinSize(1) @IsString({ each: true }) @MinLength(1, { each: true })
  streams!: string[];

  /** Connect every stream to this origin instead of the internet (the replay server). */
  @IsOptional() @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  sourceBaseUrl?: string;

  @IsString() @MinLength(1)
  stateDir!: string;

  @IsInt() @Min(1) @Max(1_000_000)
  batchMaxRows!: number;

  @IsInt() @Min(1024) @Max(1_073_741_824)
  batchMaxBytes!: number;

  @IsInt() @Min(10) @Max(3_600_000)
  batchMaxAgeMs!: number;

  @IsInt() @Min(10) @Max(3_600_000)
  idleFlushMs!: number;

  @IsInt() @Min(1) @Max(1_000_000)
  bufferMaxEvents!: number;

  @IsInt() @Min(100) @Max(3_600_000)
  stallTimeoutMs!: number;

  @IsInt() @Min(100) @Max(300_000)
  connectTimeoutMs!: number;

  @IsInt() @Min(1) @Max(60_000)
  reconnectBaseDelayMs!: number;

  @IsInt() @Min(10) @Max(3_600_000)
  reconnectMaxDelayMs!: number;

  @IsInt() @Min(1024) @Max(67_108_864)
  maxLineBytes!: number;

  @IsInt() @Min(0) @Max(10_000_000)
  dedupWindowEvents!: number;

  @IsInt() @Min(0) @Max(86_400_000)
  statsIntervalMs!: number;
}

export const STREAM_INGEST_SETTINGS: readonly EnvSetting<keyof StreamIngestConfig>[] = [
  ...PIPELINE_APP_SETTINGS,
  { env: 'FLUXO_STREAMS', field: 'streams', kind: 'list', default: 'wikimedia-recentchange', description: 'Streams to follow (comma-separated specs: `name` or `name?param=value`)' },
  { env: 'FLUXO_SOURCE_BASE_URL', field: 'sourceBaseUrl', kind: 'string', description: "Origin replacing every stream URL's (replay server); unset = live internet" },
  { env: 'FLUXO_STATE_DIR', field: 'stateDir', kind: 'string', default: '.fluxo/state/stream-ingest', description: 'Checkpoints (position + dedup window) and pending announcements' },
  { env: 'FLUXO_BATCH_MAX_ROWS', field: 'batchMaxRows', kind: 'int', default: '50000', description: 'Cut a batch (one raw file) at this many events' },
  { env: 'FLUXO_BATCH_MAX_BYTES', field: 'batchMaxBytes', kind: 'int', default: '67108864', description: 'Cut a batch when its events’ JSON text reaches this many bytes' },
  { env: 'FLUXO_BATCH_MAX_AGE_MS', field: 'batchMaxAgeMs', kind: 'int', default: '60000', description: 'Cut a batch this long after its first event arrived' },
  { env: 'FLUXO_IDLE_FLUSH_MS', field: 'idleFlushMs', kind: 'int', default: '5000', description: 'Cut a batch when no event arrived for this long' },
  { env: 'FLUXO_BUFFER_MAX_EVENTS', field: 'bufferMaxEvents', kind: 'int', default: '10000', description: 'Events held between the connection and the batcher; when full, reading pauses (backpressure)' },
  { env: 'FLUXO_STALL_TIMEOUT_MS', field: 'stallTimeoutMs', kind: 'int', default: '30000', description: 'Reconnect when no byte (not even a heartbeat) arrived for this long while reading' },
  { env: 'FLUXO_STREAM_CONNECT_TIMEOUT_MS', field: 'connectTimeoutMs', kind: 'int', default: '15000', description: 'Timeout for connecting and receiving the response headers' },
  { env: 'FLUXO_RECONNECT_BASE_DELAY_MS', field: 'reconnectBaseDelayMs', kind: 'int', default: '500', description: 'First reconnect delay; doubles per failed attempt, with full jitter' },
  { env: 'FLUXO_RECONNECT_MAX_DELAY_MS', field: 'reconnectMaxDelayMs', kind: 'int', default: '30000', description: 'Cap of one reconnect delay (a server `retry:` included)' },
  { env: 'FLUXO_STREAM_MAX_LINE_BYTES', field: 'maxLineBytes', kind: 'int', default: '524288', description: 'Longest SSE line / WebSocket message accepted; longer ones are dead-lettered (OVERSIZED_LINE)' },
  { env: 'FLUXO_DEDUP_WINDOW_EVENTS', field: 'dedupWindowEvents', kind: 'int', default: '10000', description: 'Event keys remembered (and checkpointed) to drop events a server re-sends after a resume' },
  { env: 'FLUXO_STATS_INTERVAL_MS', field: 'statsIntervalMs', kind: 'int', default: '30000', description: 'Period of the `stream stats` log line (0 = off)' },
  ...kafkaSettings('fluxo-stream-ingest'),
  ...metricsSettings(DEFAULT_METRICS_PORTS['stream-ingest']),
];

export function loadStreamIngestConfig(env: Readonly<Record<string, string | undefined>>): StreamIngestConfig {
  return loadEnvConfig(StreamIngestConfig, STREAM_INGEST_SETTINGS, env);
}
