import { SchemaError } from '../errors';
import type { SqlDialect } from '../dialects/sql-dialect';
import { SQL_DIALECTS } from '../dialects/sql-dialects';
import { COLUMN_TYPES, type DatasetDefinition, LINEAGE_COLUMNS } from './dataset-definition';
import { datasetMapping, missingFormProblem, type DatasetMapping, type MappedColumn, type SqlEngine } from './dataset-mapping';
import type { AnySourceDefinition } from './definition-catalog';
import { toJsonPath } from './record-path';

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
 * The curated projection of a source, as one engine's SQL over a raw file's columns. JSON is
 * extracted in a subquery over the raw relation (DuckDB: every path of a raw column in one
 * `json_extract_string(column, [paths])` call, so the record is parsed once per row; Spark: one
 * `get_json_object` per path) that the column expressions read. Every value is converted to the
 * dataset's type by the rules of `SqlDialect`, so a drifted field becomes NULL (and a NULL required
 * column sends the row to quarantine).
 */
export interface CompiledMapping {
  /** The engine whose SQL this is. */
  readonly engine: SqlEngine;
  /** Select items extracting the JSON paths (`json_extract_string(record, [...]) AS _record`, …): put them in a subquery over the raw file. */
  readonly extractions: readonly string[];
  /** The dataset's columns in declared order (unmapped optional columns are typed NULLs). */
  readonly columns: readonly CompiledColumn[];
}

/**
 * A source's mapping onto its dataset compiled to an engine's SQL (DuckDB by default). Throws
 * `INVALID_DEFINITION` when an `expr` has no form for the engine — `DefinitionCatalog.build(…, { engine })`
 * reports that at load time already.
 */
export function compileMapping(source: Pick<AnySourceDefinition, 'name' | 'mapping'>, dataset: DatasetDefinition, engine: SqlEngine = 'duckdb'): CompiledMapping {
  return compileDatasetMapping(datasetMapping(source, dataset), engine);
}

/** The intermediate form of a mapping compiled to an engine's SQL. */
function compileDatasetMapping(mapping: DatasetMapping, engine: SqlEngine): CompiledMapping {
  const dialect = SQL_DIALECTS[engine];
  const paths = { record: [] as string[], context: [] as string[] };
  const extracted = (column: 'record' | 'context', jsonPath: string): string => {
    const list = paths[column];
    let index = list.indexOf(jsonPath);
    if (index < 0) index = list.push(jsonPath) - 1;
    return dialect.jsonExtractions(column, list).value(index);
  };

  const columns = mapping.columns.map((column): CompiledColumn => {
    const sqlType = dialect.type(column.type);
    const compiled = { name: column.name, identifier: dialect.identifier(column.name), sqlType, required: column.required };
    const { value } = column;
    switch (value.kind) {
      case 'null':
        return { ...compiled, sql: `CAST(NULL AS ${sqlType})` };
      case 'expr':
        return { ...compiled, sql: dialect.convert(`(${exprForm(mapping, column, engine)})`, column.type) };
      case 'path': {
        const { column: raw, jsonPath } = toJsonPath(value.path);
        const text = extracted(raw, jsonPath);
        const sql = value.time === undefined ? dialect.convert(text, column.type) : dialect.timestamp(text, value.time);
        // the value is NULL for an absent path and for JSON null: only then is the record parsed again to tell them apart
        const absentSql = `CASE WHEN ${text} IS NULL THEN ${dialect.jsonPathAbsent(raw, jsonPath)} ELSE false END`;
        return { ...compiled, sql, drift: { path: value.text, absentSql, invalidSql: `(${text} IS NOT NULL AND (${sql}) IS NULL)` } };
      }
    }
  });

  const extractions = (['record', 'context'] as const).flatMap((column) => dialect.jsonExtractions(column, paths[column]).items);
  return { engine, extractions, columns };
}

function exprForm(mapping: DatasetMapping, column: MappedColumn, engine: SqlEngine): string {
  const form = column.value.kind === 'expr' ? column.value.forms[engine] : undefined;
  if (form === undefined) {
    throw new SchemaError('INVALID_DEFINITION', `Source ${mapping.source} cannot be curated by ${engine}`, [`column ${column.name}: ${missingFormProblem(engine)}`], {
      context: { source: mapping.source, column: column.name, engine },
    });
  }
  return form;
}

/** Engine types of the lineage columns, in order, for building the curated schema (DuckDB). */
export const LINEAGE_SQL_TYPES: readonly { readonly name: string; readonly sqlType: string }[] = LINEAGE_COLUMNS.map((c) => ({
  name: c.name,
  sqlType: COLUMN_TYPES[c.type],
}));

/** The lineage columns' types in an engine's SQL. */
export function lineageSqlTypes(dialect: SqlDialect): { readonly name: string; readonly sqlType: string }[] {
  return LINEAGE_COLUMNS.map((c) => ({ name: c.name, sqlType: dialect.type(c.type) }));
}
