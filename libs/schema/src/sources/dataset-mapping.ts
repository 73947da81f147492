import type { ColumnType, DatasetDefinition } from './dataset-definition';
import { LINEAGE_COLUMNS } from './dataset-definition';
import type { AnySourceDefinition } from './definition-catalog';
import { parseRecordPath, type ParsedPath } from './record-path';
import type { ColumnMapping, TimeFormat } from './source-definition';

/** The SQL engines a mapping compiles to (libs/schema `src/dialects/`). */
export const SQL_ENGINES = ['duckdb', 'spark'] as const;
export type SqlEngine = (typeof SQL_ENGINES)[number];

/**
 * A free-form expression in each engine's own SQL. A definition's `expr` written as a plain string
 * is DuckDB SQL (`{ duckdb }`); `{ "duckdb": "…", "spark": "…" }` gives both.
 */
export type DialectForms = Readonly<Partial<Record<SqlEngine, string>>>;

/**
 * Where one curated column's value comes from — the intermediate form of a mapping, pure data that
 * every SQL dialect compiles (`compileMapping`). Whatever the source, the value is then converted to
 * the column's type by the rules the dialects share (see `SqlDialect.convert`).
 * - `null`: an optional column the source does not map.
 * - `path`: the JSON text at a record (or `$context`) path; a `timestamp` column decodes it as `time`.
 * - `expr`: a free-form expression, one form per engine.
 */
export type ColumnValue =
  | { readonly kind: 'null' }
  | { readonly kind: 'path'; readonly path: ParsedPath; readonly text: string; readonly time?: TimeFormat }
  | { readonly kind: 'expr'; readonly forms: DialectForms };

export interface MappedColumn {
  readonly name: string;
  readonly type: ColumnType;
  readonly required: boolean;
  readonly value: ColumnValue;
}

/**
 * One source's mapping onto its dataset: the dataset's columns in declared order, each with where
 * its value comes from, then the lineage columns every curated row carries.
 */
export interface DatasetMapping {
  readonly source: string;
  readonly dataset: string;
  readonly columns: readonly MappedColumn[];
  readonly lineage: readonly { readonly name: string; readonly type: ColumnType }[];
}

/** The intermediate form of a (validated) source's mapping onto its dataset. */
export function datasetMapping(source: Pick<AnySourceDefinition, 'name' | 'mapping'>, dataset: DatasetDefinition): DatasetMapping {
  const byColumn = new Map(source.mapping.map((m) => [m.column, m]));
  return {
    source: source.name,
    dataset: dataset.name,
    columns: dataset.columns.map((column) => ({ name: column.name, type: column.type, required: column.required === true, value: columnValue(byColumn.get(column.name)) })),
    lineage: LINEAGE_COLUMNS.map((c) => ({ name: c.name, type: c.type })),
  };
}

function columnValue(mapping: ColumnMapping | undefined): ColumnValue {
  if (mapping === undefined) return { kind: 'null' };
  if (mapping.expr !== undefined) return { kind: 'expr', forms: dialectForms(mapping.expr) };
  const text = mapping.path ?? '';
  return { kind: 'path', path: parseRecordPath(text), text, ...(mapping.format === undefined ? {} : { time: mapping.format }) };
}

/** A definition's `expr` as per-engine forms: a plain string is DuckDB SQL. */
export function dialectForms(expr: string | DialectForms): DialectForms {
  return typeof expr === 'string' ? { duckdb: expr } : expr;
}

/** The problem of an `expr` without a form for `engine`, as the catalog reports it. */
export function missingFormProblem(engine: SqlEngine): string {
  return `expr has no ${engine} form (a plain string is DuckDB SQL): write it as { "duckdb": "…", "${engine}": "…" }`;
}
