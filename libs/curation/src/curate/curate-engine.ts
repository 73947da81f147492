import { curatedSelectSql, type CompiledMapping, type FileLineage, type SqlEngine } from '@fluxo/schema';
import { sqlFilePath } from '@fluxo/parquet-io';

/** One raw file to map: where it is, the source's (DuckDB) mapping, and its lineage. */
export interface CurateInput {
  readonly rawPath: string;
  readonly mapping: CompiledMapping;
  readonly lineage: FileLineage;
}

/** A raw file's curated rows, as a relation the normalizer's DuckDB reads once. */
export interface CuratedRows {
  /** DuckDB SQL selecting the file's curated rows, lineage and drift flags (`curatedSelectSql(…, { drift: true })`'s columns). */
  readonly sql: string;
  /** Drops whatever was staged to answer `sql`; call it once the rows were read. */
  release(): Promise<void>;
}

/**
 * Where raw rows are mapped (issue 12, part 3): the embedded DuckDB, or Spark through Spark
 * Connect (`spark-curate-engine.ts`). Either way the normalizer's DuckDB then counts drift,
 * quarantines incomplete rows and commits to the catalog with the consumer progress — the
 * exactly-once protocol does not depend on the engine.
 */
export interface CurateEngine {
  readonly name: SqlEngine;
  curatedRows(input: CurateInput): Promise<CuratedRows>;
}

/** The embedded engine: the mapping runs inside the statement that reads the raw file. */
export const DUCKDB_CURATE_ENGINE: CurateEngine = {
  name: 'duckdb',
  curatedRows: async ({ rawPath, mapping, lineage }) => ({ sql: curatedSelectSql(sqlFilePath(rawPath), mapping, lineage, { drift: true }), release: async () => undefined }),
};
