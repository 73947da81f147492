export { Lakehouse, type LakehouseOptions } from './lakehouse';
export { LakehouseError, isCommitConflict, type LakehouseErrorCode } from './errors';
export { parseCatalogLocation, ducklakeAttachTarget, describeCatalogLocation, type CatalogLocation } from './catalog-location';
export { probeCatalog } from './catalog-probe';
export { catalogExtensions, LAKEHOUSE_EXTENSIONS, type SqlEngine, type SqlSession, type TransactionOptions } from './sql-engine';
export { type TableSpec, type TableColumn, type DataFile } from './table-spec';
export { ConsumerProgress, type PartitionProgress, type CommittedProgress } from './consumer-progress';
export { ConsumedRawFiles } from './consumed-raw-files';
export {
  maintain,
  applyRetention,
  compact,
  collectGarbage,
  type MaintenancePolicy,
  type MaintenanceReport,
  type MaintenanceStepOptions,
  type RetentionReport,
  type CompactionReport,
  type CompactionTableReport,
  type GarbageReport,
} from './maintenance';
export { RawRetention, type PendingReferences, type RawZone, type RawRetentionPolicy, type RawSweep, type RawSweepOptions } from './raw-retention';
export { LocalRawZone } from './local-raw-zone';
