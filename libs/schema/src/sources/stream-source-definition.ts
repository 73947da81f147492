import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { NAME_PATTERN } from '../events/file-reference';
import { RECORD_PATH_PATTERN } from './record-path';
import { ColumnMapping, IsStringRecord, TimeField } from './source-definition';

const PATH_MESSAGE = { message: '$property must be a record path like "meta.id", "coords[0]"' };

export const STREAM_PROTOCOLS = ['sse', 'websocket'] as const;
export type StreamProtocol = (typeof STREAM_PROTOCOLS)[number];

/**
 * How a stream lets a client continue where it stopped, which decides how gaps are detected:
 * - `eventstreams`: SSE ids are Wikimedia EventStreams / KafkaSSE positions
 *   (`[{"topic","partition","offset"|"timestamp"}]`). The client resumes one event early, so a
 *   server that honours the id re-sends an event already seen; when it does not, the gap is recorded.
 * - `last-event-id`: opaque SSE ids sent back as `Last-Event-ID`; the server is trusted to resume.
 * - `none`: no resume (WebSocket, or SSE without ids): every reconnection that does not re-send a
 *   known event records a gap.
 */
export const RESUME_MODES = ['eventstreams', 'last-event-id', 'none'] as const;
export type ResumeMode = (typeof RESUME_MODES)[number];

export class StreamEndpointDefinition {
  /** URL template (`{name}` placeholders filled from `params`): http(s) for SSE, ws(s) for WebSocket. */
  @IsString() @Matches(/^(https?|wss?):\/\/\S+$/, { message: 'url must be an http(s) or ws(s) URL template' })
  url!: string;

  @IsIn(STREAM_PROTOCOLS)
  protocol!: StreamProtocol;

  @IsOptional() @IsStringRecord()
  params?: Record<string, string>;

  @IsOptional() @IsStringRecord()
  headers?: Record<string, string>;

  @IsIn(RESUME_MODES)
  resume!: ResumeMode;

  /** SSE event types that carry records (default `["message"]`); other types are ignored. */
  @IsOptional() @IsArray() @ArrayMinSize(1) @IsString({ each: true })
  eventTypes?: string[];

  /** WebSocket only: text frames sent after the connection opens (a subscription request). */
  @IsOptional() @IsArray() @IsString({ each: true }) @MaxLength(65_536, { each: true })
  subscribe?: string[];
}

/**
 * A streaming source: a connection held open (SSE or WebSocket) whose every message is one record.
 * Identity (`key`, `version`), event time and the curated mapping use the same path grammar as
 * polling sources, so the normalizer curates it without new code. Written as a JSON file; no code.
 */
export class StreamSourceDefinition {
  @IsString() @Matches(NAME_PATTERN, { message: 'name must match ' + NAME_PATTERN.source })
  name!: string;

  @IsIn(['stream'])
  kind!: 'stream';

  @IsString() @Matches(NAME_PATTERN, { message: 'dataset must match ' + NAME_PATTERN.source })
  dataset!: string;

  @IsString() @MaxLength(1000)
  description!: string;

  @IsOptional() @IsString() @MaxLength(300)
  attribution?: string;

  @ValidateNested() @Type(() => StreamEndpointDefinition)
  stream!: StreamEndpointDefinition;

  /** Paths whose values together identify an event (e.g. `meta.id`); the producer dedups on it. */
  @IsArray() @ArrayMinSize(1) @Matches(RECORD_PATH_PATTERN, { each: true, ...PATH_MESSAGE })
  key!: string[];

  /** Paths an event must carry; an event lacking one is dead-lettered (`MISSING_FIELD`). */
  @IsOptional() @IsArray() @Matches(RECORD_PATH_PATTERN, { each: true, ...PATH_MESSAGE })
  required?: string[];

  /** Path of the record's version; without it, a content hash is the version. */
  @IsOptional() @IsString() @Matches(RECORD_PATH_PATTERN, PATH_MESSAGE)
  version?: string;

  @IsOptional() @ValidateNested() @Type(() => TimeField)
  eventTime?: TimeField;

  @IsArray() @ArrayMinSize(1) @ValidateNested({ each: true }) @Type(() => ColumnMapping)
  mapping!: ColumnMapping[];
}

/**
 * Records fluxo produces itself about its sources (e.g. `stream-gaps`): no request, no stream,
 * only identity and mapping, so they travel raw → reference → normalizer like fetched data.
 */
export class InternalSourceDefinition {
  @IsString() @Matches(NAME_PATTERN, { message: 'name must match ' + NAME_PATTERN.source })
  name!: string;

  @IsIn(['internal'])
  kind!: 'internal';

  @IsString() @Matches(NAME_PATTERN, { message: 'dataset must match ' + NAME_PATTERN.source })
  dataset!: string;

  @IsString() @MinLength(1) @MaxLength(1000)
  description!: string;

  @IsArray() @ArrayMinSize(1) @Matches(RECORD_PATH_PATTERN, { each: true, ...PATH_MESSAGE })
  key!: string[];

  @IsOptional() @IsString() @Matches(RECORD_PATH_PATTERN, PATH_MESSAGE)
  version?: string;

  @IsOptional() @ValidateNested() @Type(() => TimeField)
  eventTime?: TimeField;

  @IsArray() @ArrayMinSize(1) @ValidateNested({ each: true }) @Type(() => ColumnMapping)
  mapping!: ColumnMapping[];
}
