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
import { SQL_ENGINES, type DialectForms } from './dataset-mapping';
import { RECORD_PATH_PATTERN } from './record-path';
import { COLUMN_NAME_MESSAGE, COLUMN_NAME_PATTERN } from './sql-expression';

const PATH_MESSAGE = { message: '$property must be a record path like "properties.mag", "coords[0]", "[0]" or "$context.latitude"' };
const RECORDS_PATH_PATTERN = /^(\$|([A-Za-z_][A-Za-z0-9_]*|\[\d+\])(\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])*)$/;

/** A record path, or a non-empty list of record paths (a version with fallbacks). */
function IsPathOrPathList(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isPathOrPathList',
      target: target.constructor,
      propertyName,
      options: { message: `${propertyName} must be a record path or a non-empty list of record paths (e.g. "updated" or ["updated_at", "created_at"])`, ...options },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string'
            ? RECORD_PATH_PATTERN.test(value)
            : Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string' && RECORD_PATH_PATTERN.test(item)),
      },
    });
}

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

const EXPR_MAX_LENGTH = 2000;

/** An SQL expression: a non-empty string (DuckDB), or an object of non-empty strings per engine. */
function IsExpression(options?: ValidationOptions) {
  const isText = (value: unknown) => typeof value === 'string' && value.length >= 1 && value.length <= EXPR_MAX_LENGTH;
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isExpression',
      target: target.constructor,
      propertyName,
      options: {
        message: `${propertyName} must be an SQL expression of 1 to ${EXPR_MAX_LENGTH} characters (DuckDB), or one per engine: { ${SQL_ENGINES.map((e) => `"${e}": "…"`).join(', ')} }`,
        ...options,
      },
      validator: {
        validate: (value: unknown) => {
          if (typeof value === 'string') return isText(value);
          if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
          const entries = Object.entries(value);
          return entries.length > 0 && entries.every(([engine, form]) => (SQL_ENGINES as readonly string[]).includes(engine) && isText(form));
        },
      },
    });
}

const TIME_FORMATS = ['epoch_ms', 'epoch_s', 'iso8601'] as const;
export type TimeFormat = (typeof TIME_FORMATS)[number];

/** Names of a record's fields: what `records.fields`, `keyField` and `explode.as` may use. */
const FIELD_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
const FIELD_NAME_MESSAGE = 'must be a field name (letters, digits and "_", not starting with a digit)';

const RECORD_LAYOUTS = ['rows', 'columns', 'keyed'] as const;
export type RecordLayout = (typeof RECORD_LAYOUTS)[number];
const BODY_FORMATS = ['json', 'ndjson'] as const;
export type BodyFormat = (typeof BODY_FORMATS)[number];

/** A nested array of each record exploded into one record per element, parent fields carried along. */
export class ExplodeDefinition {
  /** Path of the nested array inside the record, e.g. `trades` or `data.items`. */
  @IsString() @Matches(RECORD_PATH_PATTERN, PATH_MESSAGE)
  path!: string;

  /** Parent fields (paths) copied into every exploded record, under `as`. */
  @IsOptional() @IsArray() @Matches(RECORD_PATH_PATTERN, { each: true, ...PATH_MESSAGE })
  carry?: string[];

  /** Field of the exploded record holding the carried parent fields (default `parent`). */
  @IsOptional() @IsString() @Matches(FIELD_NAME_PATTERN, { message: `explode.as ${FIELD_NAME_MESSAGE}` })
  as?: string;
}

export class RecordsDefinition {
  /**
   * Where the records are in the response: `$` for the whole body, or a path such as `features`,
   * `data.items` or `results[0].rows`.
   */
  @IsString() @Matches(RECORDS_PATH_PATTERN, { message: 'records.path must be "$" or a path like "features", "data.items" or "results[0]"' })
  path!: string;

  /** `json` (default): one JSON document. `ndjson`: one JSON value per line, each line a record. */
  @IsOptional() @IsIn(BODY_FORMATS)
  format?: BodyFormat;

  /**
   * `rows` (default): an array whose elements are records (objects, or arrays named by `fields`).
   * `columns`: an object of equal-length arrays, zipped into rows (Open-Meteo's `hourly`).
   * `keyed`: an object whose members are records; the member name becomes field `keyField`.
   */
  @IsOptional() @IsIn(RECORD_LAYOUTS)
  layout?: RecordLayout;

  /** For records that are arrays: a name for each position (`["icao24", "callsign", …]`). */
  @IsOptional() @IsArray() @ArrayMinSize(1) @Matches(FIELD_NAME_PATTERN, { each: true, message: `records.fields ${FIELD_NAME_MESSAGE}` })
  fields?: string[];

  /** For `keyed`: the field that receives each member's name (default `key`). */
  @IsOptional() @IsString() @Matches(FIELD_NAME_PATTERN, { message: `records.keyField ${FIELD_NAME_MESSAGE}` })
  keyField?: string;

  @IsOptional() @ValidateNested() @Type(() => ExplodeDefinition)
  explode?: ExplodeDefinition;

  /** Top-level response fields kept with every record (readable as `$context.<field>`). */
  @IsOptional() @IsArray() @IsString({ each: true })
  context?: string[];
}

const PAGING_TYPES = ['link', 'cursor', 'page', 'offset'] as const;
export type PagingType = (typeof PAGING_TYPES)[number];

/**
 * How one poll walks the pages of a response: `link` follows the `Link: <…>; rel="next"` header;
 * `cursor` reads the next cursor at `cursorPath` in each page and sends it as `param`; `page` and
 * `offset` count pages or records in `param`. A poll stops when there is no next page, a page
 * brings no record (or fewer than `size`), or after `maxPages`.
 */
export class PagingDefinition {
  @IsIn(PAGING_TYPES)
  type!: PagingType;

  /** Query parameter carrying the cursor, page number or offset (`cursor`, `page`, `offset`). */
  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9_.[\]-]{1,64}$/, { message: 'paging.param must be a query parameter name' })
  param?: string;

  /** `cursor`: path of the next cursor in the response envelope (`meta.next_cursor`, `nextPage`). */
  @IsOptional() @IsString() @Matches(RECORD_PATH_PATTERN, PATH_MESSAGE)
  cursorPath?: string;

  /** `page`: number of the first page (default 1). */
  @IsOptional() @IsInt() @Min(0) @Max(1_000_000)
  start?: number;

  /** `page`/`offset`: records per page; a shorter page is the last one. Sent as `sizeParam` when given. */
  @IsOptional() @IsInt() @Min(1) @Max(100_000)
  size?: number;

  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9_.[\]-]{1,64}$/, { message: 'paging.sizeParam must be a query parameter name' })
  sizeParam?: string;

  /** Pages one poll fetches at most (default 10). */
  @IsOptional() @IsInt() @Min(1) @Max(1000)
  maxPages?: number;
}

/**
 * A query parameter filled from the poll state: the newest event time announced so far (minus
 * `lookbackMs`), so each poll asks only for what is new (`since=…`). Absent state: `initial`, or
 * the parameter is left out.
 */
export class IncrementalDefinition {
  @IsString() @Matches(/^[A-Za-z0-9_.[\]-]{1,64}$/, { message: 'incremental.param must be a query parameter name' })
  param!: string;

  @IsIn(TIME_FORMATS)
  format!: TimeFormat;

  @IsOptional() @IsString() @MaxLength(100)
  initial?: string;

  @IsOptional() @IsInt() @Min(0) @Max(2_592_000_000)
  lookbackMs?: number;
}

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

  @IsOptional() @ValidateNested() @Type(() => PagingDefinition)
  paging?: PagingDefinition;

  @IsOptional() @ValidateNested() @Type(() => IncrementalDefinition)
  incremental?: IncrementalDefinition;
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
   * An SQL expression over the raw columns (`record`, `context` as JSON text, `record_key`,
   * `record_version`, `event_time`, `fetched_at`): a string is DuckDB SQL; `{ "duckdb": "…",
   * "spark": "…" }` gives one form per engine (the catalog rejects a definition without a form for
   * the engine it runs on). Definitions are trusted like code: review them. Each form must be ONE
   * expression: no statements, subqueries, comments or functions that touch files, the network,
   * settings or the environment (see `sqlExpressionProblems`, checked by the catalog).
   */
  @IsOptional() @IsExpression()
  expr?: string | DialectForms;
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
  // Decorators run right to left and only the first failure is reported: the shape first.
  @Matches(RECORD_PATH_PATTERN, { each: true, ...PATH_MESSAGE })
  @ArrayMinSize(1, { message: 'key must list at least one path, e.g. ["id"]' })
  @IsArray({ message: 'key is required: the paths whose values identify a record, e.g. ["id"] or ["station", "time"]' })
  key!: string[];

  /**
   * Path of the record's version (e.g. an `updated` time), or a list of paths tried in order (the
   * first non-null wins). Without it, or when every path is null, a content hash is the version.
   */
  @IsOptional() @IsPathOrPathList()
  version?: string | string[];

  @IsOptional() @ValidateNested() @Type(() => TimeField)
  eventTime?: TimeField;

  @IsArray() @ArrayMinSize(1) @ValidateNested({ each: true }) @Type(() => ColumnMapping)
  mapping!: ColumnMapping[];

  /**
   * Record fields deliberately left unmapped. Any other field the records hold and the definition
   * does not read is reported once (an `UNMAPPED_FIELDS` dead letter), so new fields get noticed.
   * Written as reported (`reactions.+1` too: member names need not be identifiers here).
   */
  @IsOptional() @IsArray() @IsString({ each: true }) @MinLength(1, { each: true })
  ignoredFields?: string[];
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
