import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
  registerDecorator,
  type ValidationOptions,
} from 'class-validator';
import { NAME_PATTERN } from '../events/file-reference';
import { RECORD_PATH_PATTERN } from './record-path';
import { COLUMN_NAME_MESSAGE, COLUMN_NAME_PATTERN } from './sql-expression';

const PATH_MESSAGE = { message: '$property must be a record path like "properties.mag", "coords[0]" or "$context.latitude"' };

/** `{ "Header-Name": "value" }` with string values only. */
export function IsStringRecord(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isStringRecord',
      target: target.constructor,
      propertyName,
      options: { message: `${propertyName} must be an object of string values`, ...options },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string'),
      },
    });
}

export const TIME_FORMATS = ['epoch_ms', 'epoch_s', 'iso8601'] as const;
export type TimeFormat = (typeof TIME_FORMATS)[number];

export class RequestDefinition {
  /** URL template: `{name}` placeholders are filled from `params` (URL-encoded). */
  @IsString() @Matches(/^https?:\/\/\S+$/, { message: 'url must be an http(s) URL template' })
  url!: string;

  /** Default values for the URL placeholders; configuration may override them per instance. */
  @IsOptional() @IsStringRecord()
  params?: Record<string, string>;

  @IsOptional() @IsStringRecord()
  headers?: Record<string, string>;

  @IsInt() @Min(1000) @Max(86_400_000)
  intervalMs!: number;
}

export class RecordsDefinition {
  /** Where the records are in the response; `$` for a top-level array. */
  @IsString() @Matches(/^(\$|[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*)$/, { message: 'records.path must be "$" or a dotted path' })
  path!: string;

  /** `rows`: an array of objects. `columns`: an object of equal-length arrays, zipped into rows. */
  @IsIn(['rows', 'columns'])
  layout!: 'rows' | 'columns';

  /** Top-level response fields kept with every record (readable as `$context.<field>`). */
  @IsOptional() @IsArray() @IsString({ each: true })
  context?: string[];
}

export class TimeField {
  @IsString() @Matches(RECORD_PATH_PATTERN, PATH_MESSAGE)
  path!: string;

  @IsIn(TIME_FORMATS)
  format!: TimeFormat;
}

/** How one curated column is computed from a raw record: a path, or a DuckDB SQL expression. */
export class ColumnMapping {
  @IsString() @Matches(COLUMN_NAME_PATTERN, { message: `column ${COLUMN_NAME_MESSAGE}` })
  column!: string;

  @IsOptional() @IsString() @Matches(RECORD_PATH_PATTERN, PATH_MESSAGE)
  path?: string;

  /** For `timestamp` columns read by path: how the value encodes time. */
  @IsOptional() @IsIn(TIME_FORMATS)
  format?: TimeFormat;

  /**
   * A DuckDB SQL expression over the raw columns (`record`, `context` as JSON text, `record_key`,
   * `record_version`, `event_time`, `fetched_at`). Definitions are trusted like code: review them.
   * It must be ONE expression: no statements, subqueries, comments or functions that touch files,
   * the network, settings or the environment (see `sqlExpressionProblems`, checked by the catalog).
   */
  @IsOptional() @IsString() @MinLength(1) @MaxLength(2000)
  expr?: string;
}

/**
 * What every kind of source definition has: identity, the dataset it feeds, what identifies and
 * versions a record, its event time, and how records map to the dataset's columns.
 */
export abstract class SourceFields {
  @IsString() @Matches(NAME_PATTERN, { message: 'name must match ' + NAME_PATTERN.source })
  name!: string;

  @IsString() @Matches(NAME_PATTERN, { message: 'dataset must match ' + NAME_PATTERN.source })
  dataset!: string;

  @IsString() @MinLength(1) @MaxLength(1000)
  description!: string;

  /** Credit line the data's licence asks for; shown by the dashboard. */
  @IsOptional() @IsString() @MaxLength(300)
  attribution?: string;

  /** Paths whose values together identify a record (producers and the normalizer dedup on it). */
  @IsArray() @ArrayMinSize(1) @Matches(RECORD_PATH_PATTERN, { each: true, ...PATH_MESSAGE })
  key!: string[];

  /** Path of the record's version (e.g. an `updated` time). Without it, a content hash is the version. */
  @IsOptional() @IsString() @Matches(RECORD_PATH_PATTERN, PATH_MESSAGE)
  version?: string;

  @IsOptional() @ValidateNested() @Type(() => TimeField)
  eventTime?: TimeField;

  @IsArray() @ArrayMinSize(1) @ValidateNested({ each: true }) @Type(() => ColumnMapping)
  mapping!: ColumnMapping[];
}

/**
 * A polling source: where to fetch and where the records are in each response. Written as a JSON
 * file; no code.
 */
export class SourceDefinition extends SourceFields {
  @IsIn(['poll'])
  kind!: 'poll';

  @ValidateNested() @Type(() => RequestDefinition)
  request!: RequestDefinition;

  @ValidateNested() @Type(() => RecordsDefinition)
  records!: RecordsDefinition;
}
