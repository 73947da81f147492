export {
  ParquetIoError,
  type ParquetIoErrorCode,
  type ParquetIoErrorContext,
  type ParquetIoErrorOptions,
} from './errors';
export { ParquetEngine, type FileSandbox, type ParquetEngineOptions, type PlainRow, type SqlSession, type TransactionOptions } from './engine';
export { toPlainValue, type PlainValue } from './plain-values';
export { sqlString, sqlIdentifier, sqlFilePath, sqlReadParquet } from './sql';
export {
  stage,
  sha256File,
  digestFile,
  sweepStaleTempFiles,
  isTempFileName,
  writeFileAtomically,
  recoverStagedFile,
  durableFiles,
  type StagedFile,
  type StageOptions,
  type SweepOptions,
} from './atomic-file';
export { Lake, type LakeLocation, type FileExpectation, type QuarantineExtension, type VerifiedFile } from './lake';
export { LAKE_ZONES } from './lake-names';
export {
  schemaFingerprint,
  canonicalType,
  readParquetSchema,
  fingerprintOf,
  assertSchema,
  type ColumnSchema,
} from './parquet-schema';
export { RAW_SCHEMA, RAW_SCHEMA_FINGERPRINT, type RawColumn, type RawRow } from './raw-schema';
export { writeRawFile, type WriteRawFileInput, type StagedRawFile } from './raw-file-writer';
export { copyQueryToParquet, type CopyQueryToParquetInput, type CopiedParquet } from './copy-to-parquet';
export { readRows, assertReadable, type ReadRowsOptions, type ReadableSummary } from './read-parquet';
export { PARQUET_COPY_OPTIONS } from './parquet-format';
export {
  lakeRawFileSink,
  rawFileStem,
  stemTime,
  type RawFileSink,
  type StreamingRawFileSink,
} from './raw-file-sink';
export { openRawFileBuilder, type RawFileBuilder } from './raw-file-builder';
export { S3Lake } from './s3-lake';
export { S3LakeObjects } from './s3-objects';
export { S3RawZone } from './s3-raw-zone';
export { writeRawObject } from './raw-object-writer';
export { isObjectUrl } from './sql';
export { s3RawFileSink, s3DurableFiles } from './s3-raw-file-sink';
