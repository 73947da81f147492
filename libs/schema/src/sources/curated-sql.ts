import { compileMapping, lineageSqlTypes, LINEAGE_SQL_TYPES, type CompiledMapping } from './compile-mapping';
import type { DatasetDefinition } from './dataset-definition';
import type { DefinitionCatalog } from './definition-catalog';
import { SQL_DIALECTS } from '../dialects/sql-dialects';
import { sqlIdentifier, sqlString } from '../sql/sql-literals';

/** Values of the lineage columns that are the same for every row of one raw file. */
export interface FileLineage {
  readonly source: string;
  readonly rawUri: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/**
 * SQL expressions for the lineage columns that vary by raw file, over the raw relation (alias
 * `raw`) — e.g. columns of a joined lineage table when many raw files are curated at once.
 */
export interface LineageExpressions {
  readonly source: string;
  readonly rawUri: string;
  readonly topic: string;
  readonly partition: string;
  readonly offset: string;
}

/** The per-row drift flags of a path-mapped column, as extra columns of the staging SELECT. */
export interface DriftColumn {
  readonly column: string;
  readonly path: string;
  readonly absent: string;
  readonly invalid: string;
}

/** Names (quoted in the mapping's dialect) of the drift flag columns `curatedSelectSql(…, { drift: true })` adds. */
export function driftColumns(mapping: CompiledMapping): DriftColumn[] {
  const { identifier } = SQL_DIALECTS[mapping.engine];
  return driftFlagNames(mapping).map((d) => ({ ...d, absent: identifier(d.absent), invalid: identifier(d.invalid) }));
}

/** The drift flag columns, unquoted. */
function driftFlagNames(mapping: CompiledMapping): DriftColumn[] {
  return mapping.columns.flatMap((c) => (c.drift === undefined ? [] : [{ column: c.name, path: c.drift.path, absent: `__absent__${c.name}`, invalid: `__invalid__${c.name}` }]));
}

/** Options of the curated SELECT. */
export interface CuratedSelectOptions {
  /**
   * Adds two boolean flag columns per path-mapped column (path absent, value not castable) for
   * the staging step to count; they never reach the curated table.
   */
  readonly drift?: boolean;
}

/**
 * The SELECT that turns one raw file into curated rows (DuckDB): JSON parsed once per row, every
 * column mapped and typed, lineage appended, and duplicate (key, version) pairs inside the file
 * dropped. `rawPathLiteral` is a quoted absolute path (parquet-io's `sqlFilePath`).
 */
export function curatedSelectSql(rawPathLiteral: string, mapping: CompiledMapping, lineage: FileLineage, options: CuratedSelectOptions = {}): string {
  return curatedSelectFrom(`read_parquet(${rawPathLiteral})`, mapping, fileLineageExpressions(mapping, lineage), options);
}

/**
 * The same SELECT in the mapping's own dialect (DuckDB or Spark) over one raw file given by its
 * absolute path — what an engine that is not embedded (Spark through Spark Connect) runs.
 */
export function curatedSelectForFile(rawPath: string, mapping: CompiledMapping, lineage: FileLineage, options: CuratedSelectOptions = {}): string {
  return curatedSelectFrom(SQL_DIALECTS[mapping.engine].parquetFile(rawPath), mapping, fileLineageExpressions(mapping, lineage), options);
}

/** The lineage values of one raw file as literals of the mapping's dialect. */
function fileLineageExpressions(mapping: CompiledMapping, lineage: FileLineage): LineageExpressions {
  const { string } = SQL_DIALECTS[mapping.engine];
  return {
    source: string(lineage.source),
    rawUri: string(lineage.rawUri),
    topic: string(lineage.topic),
    partition: `${Math.trunc(lineage.partition)}`,
    offset: /^\d+$/.test(lineage.offset) ? lineage.offset : 'NULL',
  };
}

/**
 * The same mapping over any relation with the raw schema's columns (`record_key, record_version,
 * event_time, fetched_at, record, context`, plus whatever the lineage expressions read), e.g.
 * several raw files read at once. Duplicate (key, version) pairs across the relation are dropped,
 * keeping the earliest fetched — what the normalizer's batch commit keeps. The SQL is the
 * mapping's dialect (`CompiledMapping.engine`); so must the relation and lineage expressions be.
 */
export function curatedSelectFrom(rawRelation: string, mapping: CompiledMapping, lineage: LineageExpressions, options: CuratedSelectOptions = {}): string {
  const dialect = SQL_DIALECTS[mapping.engine];
  const lineageValues: Record<string, string> = {
    _source: lineage.source,
    _record_key: 'record_key',
    _record_version: 'record_version',
    _fetched_at: 'fetched_at',
    _raw_uri: lineage.rawUri,
    _kafka_topic: lineage.topic,
    _kafka_partition: lineage.partition,
    _kafka_offset: lineage.offset,
  };
  const items = [
    ...mapping.columns.map((c) => ({ sql: c.sql, name: c.name })),
    ...lineageSqlTypes(dialect).map((c) => ({ sql: `CAST(${lineageValues[c.name] ?? 'NULL'} AS ${c.sqlType})`, name: c.name })),
    ...(options.drift === true
      ? driftFlagNames(mapping).flatMap((d) => {
          const drift = mapping.columns.find((c) => c.name === d.column)?.drift;
          return drift === undefined ? [] : [{ sql: drift.absentSql, name: d.absent }, { sql: drift.invalidSql, name: d.invalid }];
        })
      : []),
  ];
  const source = mapping.extractions.length === 0 ? '*' : `*, ${mapping.extractions.join(', ')}`;
  return dialect.firstPerGroup({ items, from: `(SELECT ${source} FROM ${rawRelation}) AS raw`, partitionBy: 'record_key, record_version', orderBy: 'fetched_at' });
}

/** The columns a curated row must have (the dataset's required ones and its partition column). */
export function requiredColumns(dataset: DatasetDefinition, mapping: Pick<CompiledMapping, 'columns' | 'extractions'>): string[] {
  return [...new Set([...mapping.columns.filter((c) => c.required).map((c) => c.name), dataset.partitionBy])];
}

/** `a IS NOT NULL AND b IS NOT NULL`: the rows a dataset accepts. */
export function requiredPredicate(required: readonly string[]): string {
  return required.length === 0 ? 'TRUE' : required.map((name) => `${sqlIdentifier(name)} IS NOT NULL`).join(' AND ');
}

/** `'event_id,latitude'`-style list of the required columns a row lacks. */
export function missingColumnsSql(required: readonly string[]): string {
  return `concat_ws(',', ${required.map((name) => `CASE WHEN ${sqlIdentifier(name)} IS NULL THEN ${sqlString(name)} END`).join(', ')})`;
}

/**
 * The shape of a dataset's curated table (structurally @fluxo/lakehouse's `TableSpec`): its mapped
 * columns in declared order, then the lineage columns; partitioned by the UTC day of
 * `partitionBy`; one row per (record key, record version); the `_latest` view keeps the newest
 * `versionColumn` per `entityKey`.
 */
export interface CuratedTableSpec {
  readonly name: string;
  readonly columns: readonly { readonly name: string; readonly sqlType: string }[];
  readonly eventTimeColumn: string;
  readonly identity: { readonly key: string; readonly version: string };
  readonly latest: { readonly entityKey: readonly string[]; readonly versionColumn: string };
}

export function curatedTableSpec(dataset: DatasetDefinition, mapping: CompiledMapping): CuratedTableSpec {
  return {
    name: dataset.name,
    columns: [...mapping.columns.map((c) => ({ name: c.name, sqlType: c.sqlType })), ...LINEAGE_SQL_TYPES],
    eventTimeColumn: dataset.partitionBy,
    identity: { key: '_record_key', version: '_record_version' },
    latest: { entityKey: dataset.entityKey, versionColumn: dataset.versionColumn },
  };
}

/** One table per dataset that some source feeds (the first source of a dataset defines its columns). */
export function curatedTableSpecs(catalog: DefinitionCatalog): CuratedTableSpec[] {
  const tables = new Map<string, CuratedTableSpec>();
  for (const name of catalog.sourceNames()) {
    const source = catalog.source(name);
    const dataset = catalog.dataset(source.dataset);
    if (!tables.has(dataset.name)) tables.set(dataset.name, curatedTableSpec(dataset, compileMapping(source, dataset)));
  }
  return [...tables.values()];
}
