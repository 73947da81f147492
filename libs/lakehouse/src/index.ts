export { Lakehouse, type LakehouseOptions } from './lakehouse';
export { LakehouseError, isCommitConflict, type LakehouseErrorCode } from './errors';
export { parseCatalogLocation, ducklakeAttachTarget, describeCatalogLocation, type CatalogLocation } from './catalog-location';
export { probeCatalog } from './catalog-probe';
export { LAKEHOUSE_EXTENSIONS, type SqlEngine, type SqlSession } from './sql-engine';
export { type TableSpec, type TableColumn, type DataFile } from './table-spec';
export { ConsumerProgress, type PartitionProgress, type CommittedProgress } from './consumer-progress';
export { ConsumedRawFiles } from './consumed-raw-files';
export { maintain, DEFAULT_MAINTENANCE_POLICY, type MaintenancePolicy, type MaintenanceReport } from './maintenance';
