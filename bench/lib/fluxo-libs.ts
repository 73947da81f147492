/**
 * The pieces of the fluxo libraries the benchmark needs, bundled by `bench/lib/build.mjs` with esbuild
 * into `.fluxo/bench/build/fluxo-libs.cjs` (the bench scripts are plain ESM and cannot import TS).
 * Only public entry points are used, so the bench exercises the same code as the apps.
 */
export { BUILTIN_DEFINITIONS, DefinitionCatalog, compileMapping, validateFileReference, serializeFileReference, LINEAGE_SQL_TYPES, silentLogger } from '@fluxo/schema';
export { Lake, ParquetEngine, writeRawFile, loadDefinitionCatalog, RAW_SCHEMA_FINGERPRINT, sqlString, sqlFilePath } from '@fluxo/parquet-io';
// The normalizer's own per-file SELECT, so the ceiling runs exactly the same transformation.
export { curatedSelectSql, requiredPredicate } from '../../apps/normalizer/src/curate/curated-sql';
