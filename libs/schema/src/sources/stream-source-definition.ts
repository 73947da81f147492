import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { RECORD_PATH_PATTERN } from './record-path';
import { IsStringRecord, SourceFields } from './source-definition';

const PATH_MESSAGE = { message: '$property must be a record path like "meta.id", "coords[0]"' };

const STREAM_PROTOCOLS = ['sse', 'websocket'] as const;
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
const RESUME_MODES = ['eventstreams', 'last-event-id', 'none'] as const;
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
export class StreamSourceDefinition extends SourceFields {
  @IsIn(['stream'])
  kind!: 'stream';

  @ValidateNested() @Type(() => StreamEndpointDefinition)
  stream!: StreamEndpointDefinition;

  /** Paths an event must carry; an event lacking one is dead-lettered (`MISSING_FIELD`). */
  @IsOptional() @IsArray() @Matches(RECORD_PATH_PATTERN, { each: true, ...PATH_MESSAGE })
  required?: string[];
}

/**
 * Records fluxo produces itself about its sources (e.g. `stream-gaps`): no request, no stream,
 * only identity and mapping, so they travel raw → reference → normalizer like fetched data.
 */
export class InternalSourceDefinition extends SourceFields {
  @IsIn(['internal'])
  kind!: 'internal';
}
