import { LINEAGE_SQL_TYPES, type CompiledMapping, type DatasetDefinition } from '@fluxo/schema';
import type { TableSpec } from '@fluxo/lakehouse';

/**
 * The curated table of a dataset: its mapped columns in declared order, then the lineage columns;
 * partitioned by the UTC day of `partitionBy`; one row per (record key, record version); the
 * `_latest` view keeps the newest `versionColumn` per `entityKey`.
 */
export function curatedTableSpec(dataset: DatasetDefinition, mapping: CompiledMapping): TableSpec {
  return {
    name: dataset.name,
    columns: [...mapping.columns.map((c) => ({ name: c.name, sqlType: c.sqlType })), ...LINEAGE_SQL_TYPES],
    eventTimeColumn: dataset.partitionBy,
    identity: { key: '_record_key', version: '_record_version' },
    latest: { entityKey: dataset.entityKey, versionColumn: dataset.versionColumn },
  };
}
