import { curatedSelectFrom, sqlIdentifier, sqlString, type CompiledMapping } from '@fluxo/schema';
import { sqlFilePath } from '@fluxo/parquet-io';
import type { RawFile } from './raw-inventory';

/** `[from, to)` of the event-time column in ms; null ends are open. */
export interface TimeRange {
  readonly from: number | null;
  readonly to: number | null;
}

/** `"col" >= TIMESTAMPTZ '…' AND "col" < TIMESTAMPTZ '…'` (TRUE when the range is open on both ends). */
export function rangePredicate(column: string, range: TimeRange, alias = ''): string {
  const ref = `${alias === '' ? '' : `${alias}.`}${sqlIdentifier(column)}`;
  const parts = [
    ...(range.from === null ? [] : [`${ref} >= TIMESTAMPTZ ${sqlString(new Date(range.from).toISOString())}`]),
    ...(range.to === null ? [] : [`${ref} < TIMESTAMPTZ ${sqlString(new Date(range.to).toISOString())}`]),
  ];
  return parts.length === 0 ? 'TRUE' : parts.join(' AND ');
}

/**
 * The temp table `reprocess_lineage` for a chunk of raw files: per file its path, URI and source,
 * and the Kafka reference that first announced it (topic, partition, offset) as the table's rows
 * remember it (`reprocess_known_lineage`), NULL for a file never curated before.
 */
export function lineageTableSql(files: readonly RawFile[]): string {
  const values = files.map((file) => `(${sqlFilePath(file.path)}, ${sqlString(file.uri)}, ${sqlString(file.source)})`).join(', ');
  return (
    `CREATE OR REPLACE TEMP TABLE reprocess_lineage AS SELECT f.path AS _lineage_path, f.uri AS _lineage_uri, f.source AS _lineage_source, ` +
    `k.topic AS _lineage_topic, k.kafka_partition AS _lineage_partition, k.kafka_offset AS _lineage_offset ` +
    `FROM (VALUES ${values}) AS f(path, uri, source) LEFT JOIN reprocess_known_lineage AS k ON k.uri = f.uri`
  );
}

/**
 * The normalizer's own mapping (libs/schema `curatedSelectFrom`) over a chunk of raw files read at
 * once, each row joined to its file's lineage: the same columns, casts and dedup as a normal commit.
 */
export function chunkSelectSql(files: readonly RawFile[], mapping: CompiledMapping): string {
  const relation = `read_parquet([${files.map((file) => sqlFilePath(file.path)).join(', ')}], filename = true, hive_partitioning = false) AS r JOIN reprocess_lineage AS l ON l._lineage_path = r.filename`;
  return curatedSelectFrom(relation, mapping, {
    source: '_lineage_source',
    rawUri: '_lineage_uri',
    topic: '_lineage_topic',
    partition: '_lineage_partition',
    offset: '_lineage_offset',
  });
}
