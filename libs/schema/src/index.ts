export { type Logger, silentLogger } from './logger';
export { FluxoError, type FluxoErrorOptions, describeError, errnoOf } from './fluxo-error';
export { SchemaError, type SchemaErrorCode } from './errors';
export { sqlString, sqlIdentifier } from './sql/sql-literals';
export { validatePlain } from './validation';
export {
  FileReference,
  ProducerIdentity,
  InputLineage,
  ColumnDrift,
  DriftSummary,
  DRIFT_SUMMARY_VERSION,
  type DriftSummaryFields,
  FILE_REFERENCE_VERSION,
  NAME_PATTERN,
  LAKE_URI_PATTERN,
  type FileKind,
  type FileReferenceFields,
} from './events/file-reference';
export { rawFileReference, curatedFileReference, type FileFacts } from './events/file-reference-builders';
export { parseFileReference, validateFileReference, serializeFileReference } from './events/parse-file-reference';
export {
  DeadLetterEvent,
  OriginalRecord,
  encodeOriginal,
  deadLetterEvent,
  type DeadLetterInput,
  type PipelineStage,
  type DeadLetterFields,
} from './events/dead-letter-event';
export { DEFAULT_TOPICS } from './events/topics';
export type { Announcer, AnnouncementTopics } from './events/announcer';
export { RECORD_PATH_PATTERN, parseRecordPath, readPath, toJsonPath, type ParsedPath } from './sources/record-path';
export { COLUMN_TYPES, ColumnDefinition, DatasetDefinition, LINEAGE_COLUMNS, type ColumnType } from './sources/dataset-definition';
export {
  SourceDefinition,
  RequestDefinition,
  RecordsDefinition,
  ExplodeDefinition,
  PagingDefinition,
  IncrementalDefinition,
  ColumnMapping,
  TimeField,
  type TimeFormat,
  type RecordLayout,
  type BodyFormat,
  type PagingType,
} from './sources/source-definition';
export { DefinitionCatalog, type DefinitionInput, type AnySourceDefinition, type SourceKind } from './sources/definition-catalog';
export {
  StreamSourceDefinition,
  StreamEndpointDefinition,
  InternalSourceDefinition,
  type StreamProtocol,
  type ResumeMode,
} from './sources/stream-source-definition';
export { resolveStreamInstance, resolveStreamSpecs, type StreamInstance } from './sources/stream-instance';
export { createEventExtractor, type EventIdentity, type EventExtraction } from './sources/extract-event';
export { STREAM_GAPS_SOURCE, type StreamGapReason, type StreamGapRecord } from './events/stream-gap';
export { BUILTIN_DEFINITIONS } from './sources/builtin-definitions';
export { renderUrlTemplate, rebaseUrl, templatePlaceholders } from './sources/url-template';
export { redactUrl } from './sources/redact-url';
export {
  sqlExpressionProblems,
  sparkExpressionProblems,
  DENIED_SQL_FUNCTIONS,
  COLUMN_NAME_PATTERN,
} from './sources/sql-expression';
export {
  parseSourceSpec,
  resolveSourceInstance,
  resolveSourceInstances,
  resolveSourceSpecs,
  FOLDER_SOURCES_SPEC,
  type SourceEnvironment,
  INTERVAL_OVERRIDE_MAX_MS,
  type SourceInstance,
} from './sources/source-instance';
export { InstanceReconciler, type InstanceReconcilerDeps, type NamedInstance, type SpecResolution } from './sources/instance-reconciler';
export { compileMapping, lineageSqlTypes, LINEAGE_SQL_TYPES, type CompiledMapping, type CompiledColumn } from './sources/compile-mapping';
export { datasetMapping, dialectForms, SQL_ENGINES, type SqlEngine, type DatasetMapping, type MappedColumn, type ColumnValue, type DialectForms } from './sources/dataset-mapping';
export { type SqlDialect } from './dialects/sql-dialect';
export { SQL_DIALECTS } from './dialects/sql-dialects';
export {
  curatedSelectSql,
  curatedSelectForFile,
  curatedSelectFrom,
  curatedTableSpec,
  curatedTableSpecs,
  requiredColumns,
  requiredPredicate,
  missingColumnsSql,
  driftColumns,
  type DriftColumn,
  type CuratedSelectOptions,
  type FileLineage,
  type LineageExpressions,
  type CuratedTableSpec,
} from './sources/curated-sql';
export {
  createRecordExtractor,
  parseTime,
  ResponseShapeError,
  ResponseExtraction,
  JsonSyntaxError,
  type ExtractedRecord,
  type RejectedRecord,
  type ExtractionResult,
  type ExtractionBatch,
  type ResponseExtractionOptions,
} from './sources/extract-records';
export { JsonScanner, type ScanTarget, type ScannedValue } from './sources/json-scanner';
export { unmappedFields } from './sources/unmapped-fields';
export { envPlaceholders, resolveEnvPlaceholders } from './sources/env-placeholders';
export { loadEnvConfig, redactConfig, describeSettings, type EnvSetting, type EnvKind } from './config/env-config';
export { KafkaConnectionConfig, kafkaSettings } from './config/kafka-config';
export { PipelineAppConfig, PIPELINE_APP_SETTINGS, DEFINITIONS_SCAN_SETTING, type LogLevel } from './config/common-settings';
export { lakeStorageOf, type LakeStorage, type S3LakeStorage } from './config/lake-storage';
export { CatalogAppConfig, CATALOG_APP_SETTINGS } from './config/catalog-settings';
export { IngestConfig, INGEST_SETTINGS, loadIngestConfig } from './config/ingest-config';
export { NormalizerConfig, NORMALIZER_SETTINGS, loadNormalizerConfig } from './config/normalizer-config';
export { StreamIngestConfig, STREAM_INGEST_SETTINGS, loadStreamIngestConfig } from './config/stream-ingest-config';
export { WebConfig, WEB_SETTINGS, loadWebConfig, allowedWebHosts, hostNameOf } from './config/web-config';
export { CliConfig, CLI_SETTINGS, loadCliConfig } from './config/cli-config';
export { DEFAULT_METRICS_PORTS, metricsSettings } from './config/observability-settings';
