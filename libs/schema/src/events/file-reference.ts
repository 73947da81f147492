import 'reflect-metadata'; // class-transformer's @Type needs it when this module loads first
import { Type } from 'class-transformer';
import {
  Equals,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

/** The only version this build understands; bump it with a migration note in docs/events.md. */
export const FILE_REFERENCE_VERSION = 1;

const FILE_KINDS = ['raw', 'curated'] as const;
export type FileKind = (typeof FILE_KINDS)[number];

/** Lowercase letters, digits, `-` and `_`: safe as a folder name and a Kafka key. */
export const NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const SHA256_PATTERN = /^[0-9a-f]{64}$/;
/**
 * A lake-relative POSIX path — no leading slash, no `.`/`..` segments, no backslashes — or, for a
 * lake on S3-compatible storage, the same path under `s3://<bucket>/` (the reader checks that the
 * object is inside its own lake root).
 */
export const LAKE_URI_PATTERN = /^(?:s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/)?(?!\/)(?!.*(?:^|\/)\.{1,2}(?:\/|$))[A-Za-z0-9._=/-]+\.parquet$/;

export class ProducerIdentity {
  /** The app that wrote the file: `ingest`, `stream-ingest`, `normalizer`. */
  @IsString() @MinLength(1) @MaxLength(64)
  app!: string;

  /** `host:pid`, or an instance id set in configuration. */
  @IsString() @MinLength(1) @MaxLength(256)
  instance!: string;

  @IsString() @MinLength(1) @MaxLength(64)
  version!: string;
}

/** Where one curated file came from: the raw file and the Kafka record that announced it. */
export class InputLineage {
  @IsString() @Matches(LAKE_URI_PATTERN, { message: 'uri must be a lake-relative .parquet path, or one under s3://<bucket>/' })
  uri!: string;

  @IsString() @Matches(SHA256_PATTERN, { message: 'sha256 must be 64 lowercase hex characters' })
  sha256!: string;

  @IsString() @MinLength(1)
  topic!: string;

  @IsInt() @Min(0)
  partition!: number;

  /** Kafka offsets are 64-bit: carried as a decimal string. */
  @IsString() @Matches(/^\d+$/, { message: 'offset must be a decimal string' })
  offset!: string;
}

/** Version of the `drift` block; a reader meeting another version ignores the block, never the reference. */
export const DRIFT_SUMMARY_VERSION = 1;

/** One curated column read by path: rows whose path was absent, rows whose value did not cast. */
export class ColumnDrift {
  @IsString() @MinLength(1) @MaxLength(63)
  column!: string;

  @IsString() @MinLength(1) @MaxLength(500)
  path!: string;

  @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER)
  absent!: number;

  @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER)
  invalid!: number;
}

/**
 * Schema drift of the raw files a curated commit read (issue 10): per column read by path, how many
 * rows lacked the path and how many had a value that did not cast to the column's type. Travels
 * with every curated reference of the commit, so drift is visible without opening a file.
 */
export class DriftSummary {
  @IsInt() @Min(1) @Max(1000)
  version!: number;

  /** Raw rows the commit staged (after dropping repeated versions inside each file). */
  @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER)
  rows!: number;

  @IsArray() @ValidateNested({ each: true }) @Type(() => ColumnDrift)
  columns!: ColumnDrift[];
}

/**
 * The claim-check event: a small, typed pointer to a Parquet file in the lake. Kafka carries this;
 * the data stays in the file. Consumers must verify `sha256` and `bytes` before trusting the file.
 */
export class FileReference {
  @Equals(FILE_REFERENCE_VERSION)
  schemaVersion!: typeof FILE_REFERENCE_VERSION;

  /** Stable identity of this announcement: a re-announcement after a crash reuses it. */
  @IsUUID()
  eventId!: string;

  @IsIn(FILE_KINDS)
  kind!: FileKind;

  /** Source definition name for raw files; the producing source for curated ones. */
  @IsString() @Matches(NAME_PATTERN, { message: 'source must match ' + NAME_PATTERN.source })
  source!: string;

  @IsString() @Matches(NAME_PATTERN, { message: 'dataset must match ' + NAME_PATTERN.source })
  dataset!: string;

  /** Lake-relative path, e.g. `raw/usgs-earthquakes/date=2025-05-04/…parquet`. */
  @IsString() @MaxLength(1024) @Matches(LAKE_URI_PATTERN, { message: 'uri must be a lake-relative .parquet path, or one under s3://<bucket>/' })
  uri!: string;

  @IsString() @Matches(SHA256_PATTERN, { message: 'sha256 must be 64 lowercase hex characters' })
  sha256!: string;

  @IsInt() @Min(1) @Max(Number.MAX_SAFE_INTEGER)
  bytes!: number;

  @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER)
  rows!: number;

  /** sha256 of the file's canonical column list (`name type` lines), so readers detect drift cheaply. */
  @IsString() @Matches(SHA256_PATTERN, { message: 'schemaFingerprint must be 64 lowercase hex characters' })
  schemaFingerprint!: string;

  /** Earliest and latest event time in the file (ISO-8601, UTC), or null when the rows carry none. */
  @ValidateIf((_, value) => value !== null) @IsISO8601({ strict: true })
  minEventTime!: string | null;

  @ValidateIf((_, value) => value !== null) @IsISO8601({ strict: true })
  maxEventTime!: string | null;

  @ValidateNested() @Type(() => ProducerIdentity)
  producer!: ProducerIdentity;

  @IsISO8601({ strict: true })
  producedAt!: string;

  /** For curated files: the inputs they were derived from. */
  @IsOptional() @IsArray() @ValidateNested({ each: true }) @Type(() => InputLineage)
  inputs?: InputLineage[];

  /**
   * For curated files (optional, added in issue 10; `schemaVersion` stays 1): the commit's schema
   * drift per column. Readers built before it reject unknown fields: deploy readers first.
   */
  @IsOptional() @ValidateNested() @Type(() => DriftSummary)
  drift?: DriftSummary;
}

/** The plain shape of a reference, for producers building one. */
export type FileReferenceFields = {
  readonly [K in keyof FileReference]: FileReference[K] extends ProducerIdentity
    ? Readonly<ProducerIdentity>
    : FileReference[K] extends InputLineage[] | undefined
      ? readonly Readonly<InputLineage>[] | undefined
      : FileReference[K] extends DriftSummary | undefined
        ? DriftSummaryFields | undefined
        : FileReference[K];
};

export interface DriftSummaryFields {
  readonly version: number;
  readonly rows: number;
  readonly columns: readonly Readonly<ColumnDrift>[];
}
