import type { CatalogLocation } from './catalog-location';

/**
 * What the lakehouse needs from a SQL engine: DuckDB with the `ducklake` extension and the catalog's
 * scanner (`sqlite_scanner` or `postgres_scanner`) loaded. `ParquetEngine` of @fluxo/parquet-io fits;
 * the app composes the two, so this library never opens DuckDB itself.
 */
export interface SqlSession {
  run(sql: string): Promise<void>;
  all<T extends object>(sql: string): Promise<T[]>;
}

export interface TransactionOptions {
  /** Runs on the same connection right after COMMIT, before any other statement: reads what this commit made. */
  readonly afterCommit?: (session: SqlSession) => Promise<void>;
}

export interface SqlEngine extends SqlSession {
  /**
   * Runs `body` in one transaction with exclusive use of the connection; rolls back on failure.
   * `options.afterCommit` runs right after COMMIT, still with exclusive use of the connection.
   */
  transaction<T>(label: string, body: (tx: SqlSession) => Promise<T>, options?: TransactionOptions): Promise<T>;
}

/** The DuckDB extensions an engine must load before `Lakehouse.attach` to any catalog. */
export const LAKEHOUSE_EXTENSIONS = ['ducklake', 'sqlite_scanner', 'postgres_scanner'] as const;

/**
 * The extensions one catalog needs: `ducklake` and that catalog's scanner only. A long-running app
 * loads no more: the scanner it never uses is ~9 MB resident for the process's life (measured on the
 * normalizer's idle floor, decision 0011).
 */
export function catalogExtensions(location: CatalogLocation): readonly (typeof LAKEHOUSE_EXTENSIONS)[number][] {
  return ['ducklake', location.kind === 'sqlite' ? 'sqlite_scanner' : 'postgres_scanner'];
}
