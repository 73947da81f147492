// The curation SQL moved to libs/schema (src/sources/curated-sql.ts), shared with the CLI's
// reprocess and `definitions try`. This path stays for bench/lib/fluxo-libs.ts, which imports it.
export { curatedSelectSql, missingColumnsSql, requiredPredicate, type FileLineage } from '@fluxo/schema';
