import { LINEAGE_SQL_TYPES, sqlIdentifier, sqlString, type CompiledMapping } from '@fluxo/schema';

/** Values of the lineage columns that are the same for every row of one raw file. */
export interface FileLineage {
  readonly source: string;
  readonly rawUri: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/** The per-row drift flags of a path-mapped column, as extra columns of the staging SELECT. */
export interface DriftColumn {
  readonly column: string;
  readonly path: string;
  readonly absent: string;
  readonly invalid: string;
}

/** Names (quoted) of the drift flag columns `curatedSelectSql(…, { drift: true })` adds. */
export function driftColumns(mapping: CompiledMapping): DriftColumn[] {
  return mapping.columns.flatMap((c) =>
    c.drift === undefined ? [] : [{ column: c.name, path: c.drift.path, absent: sqlIdentifier(`__absent__${c.name}`), invalid: sqlIdentifier(`__invalid__${c.name}`) }],
  );
}

/**
 * The SELECT that turns one raw file into curated rows: JSON parsed once per row, every column
 * mapped and typed, lineage appended, and duplicate (key, version) pairs inside the file dropped.
 * With `drift`, each path-mapped column also gets two boolean flag columns (path absent, value not
 * castable) for the staging step to count; they never reach the curated table.
 */
export function curatedSelectSql(rawPathLiteral: string, mapping: CompiledMapping, lineage: FileLineage, options: { readonly drift?: boolean } = {}): string {
  const lineageValues: Record<string, string> = {
    _source: sqlString(lineage.source),
    _record_key: 'record_key',
    _record_version: 'record_version',
    _fetched_at: 'fetched_at',
    _raw_uri: sqlString(lineage.rawUri),
    _kafka_topic: sqlString(lineage.topic),
    _kafka_partition: `${Math.trunc(lineage.partition)}`,
    _kafka_offset: /^\d+$/.test(lineage.offset) ? lineage.offset : 'NULL',
  };
  const byName = new Map(mapping.columns.map((c) => [c.name, c]));
  const columns = [
    ...mapping.columns.map((c) => `${c.sql} AS ${c.identifier}`),
    ...LINEAGE_SQL_TYPES.map((c) => `CAST(${lineageValues[c.name] ?? 'NULL'} AS ${c.sqlType}) AS ${sqlIdentifier(c.name)}`),
    ...(options.drift === true
      ? driftColumns(mapping).flatMap((d) => {
          const drift = byName.get(d.column)?.drift;
          return drift === undefined ? [] : [`${drift.absentSql} AS ${d.absent}`, `${drift.invalidSql} AS ${d.invalid}`];
        })
      : []),
  ];
  const source = mapping.extractions.length === 0 ? '*' : `*, ${mapping.extractions.join(', ')}`;
  return [
    `SELECT ${columns.join(',\n       ')}`,
    `FROM (SELECT ${source} FROM read_parquet(${rawPathLiteral})) AS raw`,
    `QUALIFY row_number() OVER (PARTITION BY record_key, record_version ORDER BY fetched_at) = 1`,
  ].join('\n');
}

/** `a IS NOT NULL AND b IS NOT NULL`: the rows a dataset accepts. */
export function requiredPredicate(required: readonly string[]): string {
  return required.length === 0 ? 'TRUE' : required.map((name) => `${sqlIdentifier(name)} IS NOT NULL`).join(' AND ');
}

/** `'event_id,latitude'`-style list of the required columns a row lacks. */
export function missingColumnsSql(required: readonly string[]): string {
  return `concat_ws(',', ${required.map((name) => `CASE WHEN ${sqlIdentifier(name)} IS NULL THEN ${sqlString(name)} END`).join(', ')})`;
}
