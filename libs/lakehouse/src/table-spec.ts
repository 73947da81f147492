/** One column of a lakehouse table, with its DuckDB type (`VARCHAR`, `TIMESTAMPTZ`, `DOUBLE`…). */
export interface TableColumn {
  readonly name: string;
  readonly sqlType: string;
}

/**
 * What a curated table looks like: its columns in order, the event-time column it is partitioned by
 * (by UTC day: `year/month/day`), the two columns that identify one version of one record, and how
 * the `<name>_latest` view picks the latest version of an entity.
 */
export interface TableSpec {
  readonly name: string;
  readonly columns: readonly TableColumn[];
  readonly eventTimeColumn: string;
  readonly identity: { readonly key: string; readonly version: string };
  /** The entity and version columns of the `<name>_latest` view (latest version of each entity). */
  readonly latest: { readonly entityKey: readonly string[]; readonly versionColumn: string };
}

/** A Parquet data file of a table, as the catalog lists it. */
export interface DataFile {
  /** Absolute path. */
  readonly path: string;
  /** Absolute path of the file listing its deleted row positions (DuckLake/Iceberg positional deletes), if any. */
  readonly deleteFile: string | null;
  readonly bytes: number;
  /** Rows written to the file (deleted ones included). */
  readonly rows: number;
  /** The snapshot that added it. */
  readonly snapshotId: number;
}

/** Type changes a table follows in place (DuckLake's allowed promotions); anything else is a conflict. */
export const WIDENINGS: Readonly<Record<string, readonly string[]>> = {
  TINYINT: ['SMALLINT', 'INTEGER', 'BIGINT'],
  SMALLINT: ['INTEGER', 'BIGINT'],
  INTEGER: ['BIGINT'],
  FLOAT: ['DOUBLE'],
};
