import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { NAME_PATTERN } from '../events/file-reference';
import { COLUMN_NAME_MESSAGE, COLUMN_NAME_PATTERN } from './sql-expression';

/**
 * Logical column types of curated datasets and the Parquet-safe engine type each becomes.
 * Timestamps are UTC-adjusted microseconds (`TIMESTAMPTZ`): readable by Spark, pyarrow and DuckDB.
 */
export const COLUMN_TYPES = {
  string: 'VARCHAR',
  double: 'DOUBLE',
  integer: 'BIGINT',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMPTZ',
  date: 'DATE',
} as const;
export type ColumnType = keyof typeof COLUMN_TYPES;

export class ColumnDefinition {
  @IsString() @Matches(COLUMN_NAME_PATTERN, { message: `column name ${COLUMN_NAME_MESSAGE}` })
  name!: string;

  @IsIn(Object.keys(COLUMN_TYPES))
  type!: ColumnType;

  /** A row whose required column is null after mapping is quarantined, not written. */
  @IsOptional() @IsBoolean()
  required?: boolean;

  @IsOptional() @IsString() @MaxLength(500)
  description?: string;
}

/**
 * A curated dataset: one explicit schema that every file of the dataset follows, whatever
 * source feeds it. The normalizer appends lineage columns (see LINEAGE_COLUMNS).
 */
export class DatasetDefinition {
  @IsString() @Matches(NAME_PATTERN, { message: 'name must match ' + NAME_PATTERN.source })
  name!: string;

  @IsString() @MaxLength(1000)
  description!: string;

  @IsArray() @ArrayMinSize(1) @ValidateNested({ each: true }) @Type(() => ColumnDefinition)
  columns!: ColumnDefinition[];

  /** A `timestamp` column whose UTC date partitions the curated files (`event_date=YYYY-MM-DD`). */
  @IsString()
  partitionBy!: string;

  /** Columns identifying one entity across versions, for "latest per key" queries. */
  @IsArray() @ArrayMinSize(1) @IsString({ each: true })
  entityKey!: string[];

  /** The column ordering versions of an entity (newest wins). */
  @IsString()
  versionColumn!: string;

  /** Rows whose event time is older than this many days are deleted by table maintenance. Unset: kept. */
  @IsOptional() @IsInt() @Min(1) @Max(36_500)
  retentionDays?: number;
}

/** Columns every curated file carries after the dataset's own, naming where each row came from. */
export const LINEAGE_COLUMNS = [
  { name: '_source', type: 'string', description: 'Source definition that fetched the row' },
  { name: '_record_key', type: 'string', description: 'Record key in the source (dedup identity)' },
  { name: '_record_version', type: 'string', description: 'Record version in the source (dedup identity)' },
  { name: '_fetched_at', type: 'timestamp', description: 'When the producer received the record' },
  { name: '_raw_uri', type: 'string', description: 'Lake URI of the raw file the row came from' },
  { name: '_kafka_topic', type: 'string', description: 'Topic of the reference that announced the raw file' },
  { name: '_kafka_partition', type: 'integer', description: 'Partition of that reference' },
  { name: '_kafka_offset', type: 'integer', description: 'Offset of that reference' },
] as const satisfies readonly { name: string; type: ColumnType; description: string }[];
