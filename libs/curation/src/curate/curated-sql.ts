// The curation SQL lives in libs/schema (src/sources/curated-sql.ts), shared with the CLI's
// reprocess and `definitions try`. This path stays for bench/lib/fluxo-libs.ts, which imports it.
export { curatedSelectSql, driftColumns, missingColumnsSql, requiredPredicate, type DriftColumn, type FileLineage } from '@fluxo/schema';
