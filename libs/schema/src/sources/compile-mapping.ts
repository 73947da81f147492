import { COLUMN_TYPES, type ColumnDefinition, type DatasetDefinition, LINEAGE_COLUMNS } from './dataset-definition';
import { parseRecordPath, toJsonPath } from './record-path';
import type { AnySourceDefinition } from './definition-catalog';
import type { ColumnMapping, TimeFormat } from './source-definition';
import { sqlIdentifier, sqlString } from '../sql/sql-literals';

/** One output column of the curated SELECT: its name, engine type and SQL expression. */
export interface CompiledColumn {
  readonly name: string;
  /** The name as a quoted SQL identifier: what generated SQL must use (`<sql> AS <identifier>`). */
  readonly identifier: string;
  readonly sqlType: string;
  readonly sql: string;
  readonly required: boolean;
  /**
   * For a column read by path: SQL booleans telling, per row, that the path was absent from the
   * record (not merely JSON null) or that its value did not cast to the column's type. The
   * normalizer counts them per file (schema drift you can see).
   */
  readonly drift?: { readonly path: string; readonly absentSql: string; readonly invalidSql: string };
}

/**
 * The curated projection of a source, as DuckDB SQL over a raw file's columns.
 * JSON is parsed once per row: every path of a raw column is extracted in one
 * `json_extract_string(column, [paths])` call (`_record` / `_context` lists) that the
 * column expressions index into. Every value is TRY_CAST to the dataset's type, so a drifted
 * field becomes NULL (and a NULL required column sends the row to quarantine).
 */
export interface CompiledMapping {
  /** `json_extract_string(record, [...]) AS _record, …`: put these in a CTE over the raw file. */
  readonly extractions: readonly string[];
  /** The dataset's columns in declared order (unmapped optional columns are typed NULLs). */
  readonly columns: readonly CompiledColumn[];
}

export function compileMapping(source: Pick<AnySourceDefinition, 'mapping'>, dataset: DatasetDefinition): CompiledMapping {
  const paths = { record: [] as string[], context: [] as string[] };
  const byColumn = new Map(source.mapping.map((m) => [m.column, m]));

  const extract = (path: string): string => {
    const { column, jsonPath } = toJsonPath(parseRecordPath(path));
    const list = paths[column];
    let index = list.indexOf(jsonPath);
    if (index < 0) index = list.push(jsonPath) - 1;
    return `${sqlIdentifier(`_${column}`)}[${index + 1}]`;
  };

  const columns = dataset.columns.map((column): CompiledColumn => {
    const sqlType = COLUMN_TYPES[column.type];
    const mapping = byColumn.get(column.name);
    const sql = columnSql(column, sqlType, mapping, extract);
    const compiled = { name: column.name, identifier: sqlIdentifier(column.name), sqlType, required: column.required === true, sql };
    if (mapping?.path === undefined) return compiled;
    const value = extract(mapping.path);
    const { column: raw, jsonPath } = toJsonPath(parseRecordPath(mapping.path));
    // the value is NULL for an absent path and for JSON null: only then is the record parsed again to tell them apart
    const absentSql = `CASE WHEN ${value} IS NULL THEN json_extract(${sqlIdentifier(raw)}, ${sqlString(jsonPath)}) IS NULL ELSE false END`;
    return { ...compiled, drift: { path: mapping.path, absentSql, invalidSql: `(${value} IS NOT NULL AND (${sql}) IS NULL)` } };
  });

  const extractions = (['record', 'context'] as const)
    .filter((column) => paths[column].length > 0)
    .map((column) => `json_extract_string(${sqlIdentifier(column)}, [${paths[column].map(sqlString).join(', ')}]) AS ${sqlIdentifier(`_${column}`)}`);
  return { extractions, columns };
}

function columnSql(column: ColumnDefinition, sqlType: string, mapping: ColumnMapping | undefined, extract: (path: string) => string): string {
  if (mapping === undefined) return `CAST(NULL AS ${sqlType})`;
  if (mapping.expr !== undefined) return `TRY_CAST((${mapping.expr}) AS ${sqlType})`;
  const value = extract(mapping.path ?? '');
  return mapping.format === undefined ? `TRY_CAST(${value} AS ${sqlType})` : timestampSql(value, mapping.format);
}

function timestampSql(value: string, format: TimeFormat): string {
  switch (format) {
    case 'epoch_ms':
      return `CAST(epoch_ms(TRY_CAST(${value} AS BIGINT)) AS TIMESTAMPTZ)`;
    case 'epoch_s':
      return `to_timestamp(TRY_CAST(${value} AS DOUBLE))`;
    case 'iso8601':
      return `TRY_CAST(${value} AS TIMESTAMPTZ)`;
  }
}

/** Engine types of the lineage columns, in order, for building the curated schema. */
export const LINEAGE_SQL_TYPES: readonly { readonly name: string; readonly sqlType: string }[] = LINEAGE_COLUMNS.map((c) => ({
  name: c.name,
  sqlType: COLUMN_TYPES[c.type],
}));

