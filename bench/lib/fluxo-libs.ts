/**
 * The pieces of the fluxo libraries the benchmark needs, bundled by `bench/lib/build.mjs` with esbuild
 * into `.fluxo/bench/build/fluxo-libs.cjs` (the bench scripts are plain ESM and cannot import TS).
 * Only public entry points are used, so the bench exercises the same code as the apps; the Nx project
 * `bench` (bench/project.json) puts this file under the module-boundary rules.
 */
export {
  BUILTIN_DEFINITIONS,
  DefinitionCatalog,
  compileMapping,
  createEventExtractor,
  createRecordExtractor,
  // The normalizer's own per-file SELECT (libs/schema), so the ceiling runs exactly the same transformation.
  curatedSelectSql,
  curatedTableSpecs,
  requiredPredicate,
  validateFileReference,
  serializeFileReference,
  rawFileReference,
  LINEAGE_SQL_TYPES,
  loadNormalizerConfig,
  silentLogger,
} from '@fluxo/schema';
export { Lake, ParquetEngine, writeRawFile, rawFileStem, RAW_SCHEMA_FINGERPRINT, sqlString, sqlFilePath } from '@fluxo/parquet-io';
export { loadDefinitionCatalog } from '@fluxo/definitions';
export { ConsumedRawFiles, ConsumerProgress, LAKEHOUSE_EXTENSIONS, Lakehouse, LocalRawZone, maintain, parseCatalogLocation, RawRetention } from '@fluxo/lakehouse';
// The normalizer's commit path (libs/curation), driven in-process by the history workload (composed as
// apps/normalizer/src/main.ts composes it, with Kafka replaced by recording ports).
export { BatchHandler, CuratedAnnouncer, DeadLetters } from '@fluxo/curation';
