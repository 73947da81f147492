import { randomUUID } from 'node:crypto';
import { Type } from 'class-transformer';
import { Equals, IsIn, IsInt, IsISO8601, IsObject, IsOptional, IsString, IsUUID, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';

const DEAD_LETTER_VERSION = 1;
const PIPELINE_STAGES = ['ingest', 'stream-ingest', 'normalizer'] as const;
export type PipelineStage = (typeof PIPELINE_STAGES)[number];

/** The Kafka record (or stream line) that could not be processed, kept verbatim. */
export class OriginalRecord {
  @IsOptional() @IsString()
  topic?: string;

  @IsOptional() @IsInt() @Min(0)
  partition?: number;

  @IsOptional() @IsString()
  offset?: string;

  @IsOptional() @IsString()
  key?: string;

  /** The payload as UTF-8 text when it is valid UTF-8, otherwise base64 (see `encoding`). */
  @IsString() @MaxLength(1_000_000)
  value!: string;

  @IsIn(['utf8', 'base64'])
  encoding!: 'utf8' | 'base64';
}

/**
 * What goes to `fluxo.dead-letter`: the reason code of the failure, a human message, the original
 * input, and where its quarantined copy lives. Nothing that fails is dropped without one of these.
 */
export class DeadLetterEvent {
  @Equals(DEAD_LETTER_VERSION)
  schemaVersion!: typeof DEAD_LETTER_VERSION;

  @IsUUID()
  eventId!: string;

  @IsIn(PIPELINE_STAGES)
  stage!: PipelineStage;

  /** The error code, e.g. `CHECKSUM_MISMATCH`, `INVALID_EVENT`, `ROWS_REJECTED`. */
  @IsString() @MinLength(1) @MaxLength(64)
  reason!: string;

  @IsString() @MaxLength(10_000)
  message!: string;

  @IsOptional() @IsString()
  source?: string;

  @IsOptional() @IsString()
  dataset?: string;

  @ValidateNested() @Type(() => OriginalRecord)
  original!: OriginalRecord;

  /** Lake-relative path of the quarantined copy or record, when one was written. */
  @IsOptional() @IsString()
  quarantineUri?: string;

  @IsOptional() @IsObject()
  details?: Record<string, unknown>;

  @IsISO8601({ strict: true })
  occurredAt!: string;
}

export type DeadLetterFields = Omit<DeadLetterEvent, 'original'> & { readonly original: Readonly<OriginalRecord> };

/** What a stage knows of a failure; `deadLetterEvent` adds the version, a new event id and the time (default now). */
export type DeadLetterInput = Omit<DeadLetterFields, 'schemaVersion' | 'eventId' | 'occurredAt'> & { readonly occurredAt?: Date };

/** The one place dead letters are built: every stage calls this, never writes the fields by hand. */
export function deadLetterEvent(input: DeadLetterInput): DeadLetterFields {
  const { occurredAt, ...fields } = input;
  return { schemaVersion: DEAD_LETTER_VERSION, eventId: randomUUID(), ...fields, occurredAt: (occurredAt ?? new Date()).toISOString() };
}

/** Encodes a payload for `OriginalRecord.value`: UTF-8 if it round-trips, base64 otherwise. */
export function encodeOriginal(payload: Buffer | string | null): Pick<OriginalRecord, 'value' | 'encoding'> {
  if (payload === null) return { value: '', encoding: 'utf8' };
  if (typeof payload === 'string') return { value: payload, encoding: 'utf8' };
  const text = payload.toString('utf8');
  return Buffer.from(text, 'utf8').equals(payload) ? { value: text, encoding: 'utf8' } : { value: payload.toString('base64'), encoding: 'base64' };
}
