import { mkdir } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describeError, sqlIdentifier, sqlString, type Logger } from '@fluxo/schema';
import { describeCatalogLocation, ducklakeAttachTarget, type CatalogLocation } from './catalog-location';
import { isCommitConflict, LakehouseError } from './errors';
import type { SqlEngine, SqlSession, TransactionOptions } from './sql-engine';
import { WIDENINGS, type DataFile, type TableSpec } from './table-spec';

/** The scheme of a data path on S3-compatible storage (read and written through DuckDB's httpfs). */
const OBJECT_STORE_SCHEME = 's3://';

/** `join` for a local data path or an `s3://` one (whose `//` path.join would collapse). */
function joinDataPath(base: string, ...parts: string[]): string {
  if (!base.startsWith(OBJECT_STORE_SCHEME)) return join(base, ...parts);
  return OBJECT_STORE_SCHEME + posix.join(base.slice(OBJECT_STORE_SCHEME.length), ...parts);
}

export interface LakehouseOptions {
  /** DuckDB with LAKEHOUSE_EXTENSIONS loaded (the app opens it; `close()` here does not close it). */
  readonly engine: SqlEngine;
  readonly catalog: CatalogLocation;
  /** Where the tables' Parquet files live (the lake's `curated/` zone): an absolute directory, or `s3://bucket/prefix/curated/` (httpfs loaded, S3Lake's secret registered). */
  readonly dataPath: string;
  readonly logger: Logger;
  /** Readers (dashboard, CLI) attach read-only: they never write the catalog. Default false. */
  readonly readOnly?: boolean;
  /** Name the catalog is attached under in the engine. Default `fluxo`. */
  readonly alias?: string;
  /**
   * Schema of the catalog database holding DuckLake's own tables (default: DuckLake's), to keep
   * several lakehouses in one PostgreSQL database apart.
   */
  readonly metadataSchema?: string;
  /** Attempts of one commit when concurrent writers conflict. Default 8. */
  readonly commitAttempts?: number;
}

const ALIAS_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;

/**
 * Curated datasets as DuckLake tables: a SQL catalog (SQLite or PostgreSQL) that records every
 * commit as a snapshot, over immutable Parquet files. A commit is one catalog transaction, so
 * readers see all of it or none of it; `ensureTable` creates and evolves tables; `appendDistinct`
 * writes the rows whose identity the table does not hold yet; `maintain` (maintenance.ts) compacts,
 * expires and deletes. See docs/decisions/0007-lakehouse-tables.md.
 */
export class Lakehouse implements AsyncDisposable {
  private closed = false;
  private readonly known = new Map<string, string>();

  private constructor(
    readonly engine: SqlEngine,
    readonly alias: string,
    readonly dataPath: string,
    readonly readOnly: boolean,
    private readonly logger: Logger,
    private readonly commitAttempts: number,
    /** `sqlite` or `postgres`: the database holding the catalog (maintenance works around SQLite's text timestamps). */
    readonly catalogKind: CatalogLocation['kind'] = 'sqlite',
  ) {}

  static async attach(options: LakehouseOptions): Promise<Lakehouse> {
    const alias = options.alias ?? 'fluxo';
    if (!ALIAS_PATTERN.test(alias)) throw new LakehouseError('INVALID_CATALOG', `catalog alias "${alias}" must match ${String(ALIAS_PATTERN)}`);
    const readOnly = options.readOnly ?? false;
    const logger = options.logger.child({ component: 'lakehouse', catalog: describeCatalogLocation(options.catalog) });
    const dataPath = options.dataPath.endsWith('/') ? options.dataPath : `${options.dataPath}/`;
    if (options.catalog.kind === 'sqlite' && !readOnly) await mkdir(dirname(options.catalog.path), { recursive: true });
    // A data path on S3-compatible storage (s3://bucket/prefix/curated/) needs no directory: keys are created by the writes.
    if (!readOnly && !dataPath.startsWith(OBJECT_STORE_SCHEME)) await mkdir(dataPath, { recursive: true });
    const attachOptions = readOnly ? ['READ_ONLY'] : [`DATA_PATH ${sqlString(dataPath)}`, 'DATA_INLINING_ROW_LIMIT 0'];
    if (options.metadataSchema !== undefined) attachOptions.push(`METADATA_SCHEMA ${sqlString(options.metadataSchema)}`);
    try {
      await options.engine.run(`ATTACH IF NOT EXISTS ${sqlString(ducklakeAttachTarget(options.catalog))} AS ${alias} (${attachOptions.join(', ')})`);
    } catch (error) {
      throw new LakehouseError('ATTACH_FAILED', `could not attach the catalog ${describeCatalogLocation(options.catalog)}: ${describeError(error)}`, {
        cause: error,
        retriable: true,
      });
    }
    const lakehouse = new Lakehouse(options.engine, alias, dataPath, readOnly, logger, options.commitAttempts ?? 8, options.catalog.kind);
    if (!readOnly) {
      // Every write lands in Parquet files (never inlined into the catalog), so any Parquet reader —
      // Spark included — sees the whole table from the file list.
      await lakehouse.commit('set options', (tx) => tx.run(`CALL ${alias}.set_option('data_inlining_row_limit', 0)`));
    }
    logger.info({ dataPath, readOnly }, 'lakehouse catalog attached');
    return lakehouse;
  }

  /** `"fluxo"."main"."earthquakes"`: a table (or view) of this catalog, quoted for SQL. */
  table(name: string, schema = 'main'): string {
    return `${this.alias}.${sqlIdentifier(schema)}.${sqlIdentifier(name)}`;
  }

  /** The catalog's internal tables (DuckLake's metadata), for listing files and snapshots. */
  get metadata(): string {
    return sqlIdentifier(`__ducklake_metadata_${this.alias}`);
  }

  /**
   * Creates the table if it is missing (partitioned by UTC day of its event time, with a view
   * `<name>_latest` holding the latest version of each record), or evolves it: columns the spec
   * adds are added (older files read them as NULL), allowed widenings applied. Columns the spec no
   * longer lists stay, so nothing written before is lost. Idempotent and safe with concurrent writers.
   */
  async ensureTable(spec: TableSpec): Promise<void> {
    const fingerprint = JSON.stringify(spec);
    if (this.known.get(spec.name) === fingerprint) return;
    this.assertOpen();
    await this.commit(`ensure table ${spec.name}`, async (tx) => {
      const existing = await this.columnsOf(tx, spec.name);
      if (existing.size === 0) {
        const columns = spec.columns.map((c) => `${sqlIdentifier(c.name)} ${c.sqlType}`).join(', ');
        const time = sqlIdentifier(spec.eventTimeColumn);
        await tx.run(`CREATE TABLE ${this.table(spec.name)} (${columns})`);
        await tx.run(`ALTER TABLE ${this.table(spec.name)} SET PARTITIONED BY (year(${time}), month(${time}), day(${time}))`);
      } else {
        for (const column of spec.columns) {
          const current = existing.get(column.name);
          if (current === undefined) {
            await tx.run(`ALTER TABLE ${this.table(spec.name)} ADD COLUMN ${sqlIdentifier(column.name)} ${column.sqlType}`);
          } else if (current !== column.sqlType.toUpperCase()) {
            if (!(WIDENINGS[current] ?? []).includes(column.sqlType.toUpperCase())) {
              throw new LakehouseError('SCHEMA_CONFLICT', `table ${spec.name}: column ${column.name} is ${current}; the definition asks for ${column.sqlType}`, {
                context: { table: spec.name, column: column.name, current, wanted: column.sqlType },
              });
            }
            await tx.run(`ALTER TABLE ${this.table(spec.name)} ALTER COLUMN ${sqlIdentifier(column.name)} SET DATA TYPE ${column.sqlType}`);
          }
        }
      }
      const entity = spec.latest.entityKey.map(sqlIdentifier).join(', ');
      const order = `${sqlIdentifier(spec.latest.versionColumn)} DESC, ${sqlIdentifier(spec.identity.version)} DESC`;
      await tx.run(
        `CREATE OR REPLACE VIEW ${this.table(`${spec.name}_latest`)} AS SELECT * FROM ${this.table(spec.name)} ` +
          `QUALIFY row_number() OVER (PARTITION BY ${entity} ORDER BY ${order}) = 1`,
      );
    });
    this.known.set(spec.name, fingerprint);
  }

  /** Whether the table exists in the current snapshot. */
  async hasTable(name: string): Promise<boolean> {
    return (await this.columnsOf(this.engine, name)).size > 0;
  }

  /**
   * Runs `body` as one catalog transaction: everything it writes becomes visible at once, in one
   * snapshot, or not at all. A conflict with a concurrent writer rolls back and runs `body` again
   * (it must be repeatable: read what it needs inside); after `commitAttempts` conflicts the commit
   * fails with the retriable `COMMIT_CONFLICT`.
   */
  async commit<T>(label: string, body: (tx: SqlSession) => Promise<T>): Promise<T> {
    return this.commitWith(label, body, {});
  }

  /**
   * `commit`, also returning the id of the snapshot it created, read on the same connection right
   * after COMMIT (DuckLake's `last_committed_snapshot()`): never another writer's, and no second
   * catalog transaction to find it. `body` must write: a transaction that changes nothing creates no snapshot.
   */
  async commitSnapshot<T>(label: string, body: (tx: SqlSession) => Promise<T>): Promise<{ readonly value: T; readonly snapshotId: number }> {
    let snapshotId: number | undefined;
    let readError: unknown;
    const value = await this.commitWith(label, body, {
      // Never throws: the commit stands, so a failure here must not look like a conflict to retry it.
      afterCommit: async (session) => {
        try {
          const [row] = await session.all<{ id: number | bigint | null }>(`SELECT id FROM ${this.alias}.last_committed_snapshot()`);
          snapshotId = row?.id === null || row?.id === undefined ? undefined : Number(row.id);
        } catch (error) {
          readError = error;
        }
      },
    });
    if (snapshotId === undefined) {
      // Retriable: the commit stands, so the retry finds its records done (progress) and announces them again.
      const why = readError === undefined ? 'DuckLake reports no snapshot for it (did the transaction write nothing?)' : `its snapshot id could not be read: ${describeError(readError)}`;
      throw new LakehouseError('QUERY_FAILED', `${label}: committed, but ${why}`, { retriable: true, ...(readError === undefined ? {} : { cause: readError }) });
    }
    return { value, snapshotId };
  }

  private async commitWith<T>(label: string, body: (tx: SqlSession) => Promise<T>, options: TransactionOptions): Promise<T> {
    this.assertOpen();
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.engine.transaction(label, body, options);
      } catch (error) {
        if (!isCommitConflict(error)) throw error;
        if (attempt >= this.commitAttempts) {
          throw new LakehouseError('COMMIT_CONFLICT', `${label}: still conflicting after ${attempt} attempts: ${describeError(error)}`, { cause: error, retriable: true });
        }
        const delayMs = Math.round(Math.min(2_000, 25 * 2 ** attempt) * (0.5 + Math.random()));
        this.logger.debug({ label, attempt, delayMs, error: describeError(error) }, 'commit conflict; retrying');
        await sleep(delayMs);
      }
    }
  }

  /**
   * Inside a commit: inserts the rows of `sourceTable` (a table or view) whose (key, version) the
   * table does not hold yet, each once. Only the UTC days the rows fall on are read back (a version
   * always carries the same event time, so it can only collide there), and only their identity
   * columns, semi-joined with the batch: memory follows the batch, not the table. The batch itself
   * is read where it is, never copied; with `sourceDistinct` (the caller guarantees each (key,
   * version) at most once in the source, as the normalizer's staging does) it is streamed into the
   * table without the window that would otherwise hold all of it in memory.
   * Returns the number of rows inserted.
   */
  async appendDistinct(tx: SqlSession, spec: TableSpec, sourceTable: string, options: { readonly sourceDistinct?: boolean } = {}): Promise<number> {
    const key = sqlIdentifier(spec.identity.key);
    const version = sqlIdentifier(spec.identity.version);
    const time = sqlIdentifier(spec.eventTimeColumn);
    const target = this.table(spec.name);
    const days = await tx.all<{ day: string }>(`SELECT DISTINCT strftime(${time}, '%Y-%m-%d') AS day FROM ${sourceTable} WHERE ${time} IS NOT NULL ORDER BY 1`);
    const window = days.map(({ day }) => `(t.${time} >= TIMESTAMPTZ ${sqlString(`${day} 00:00:00+00`)} AND t.${time} < TIMESTAMPTZ ${sqlString(`${day} 00:00:00+00`)} + INTERVAL 1 DAY)`);
    await tx.run(
      `CREATE OR REPLACE TEMP TABLE fluxo_batch_existing AS SELECT t.${key} AS k, t.${version} AS v FROM ${target} t ` +
        `SEMI JOIN ${sourceTable} b ON t.${key} = b.${key} AND t.${version} = b.${version} ` +
        `WHERE ${window.length === 0 ? 'FALSE' : window.join(' OR ')}`,
    );
    // No finally: a failed statement aborts the transaction, whose rollback drops the temp table too.
    const [inserted] = await tx.all<{ Count: number }>(
      `INSERT INTO ${target} BY NAME SELECT b.* FROM ${sourceTable} b ` +
        `WHERE NOT EXISTS (SELECT 1 FROM fluxo_batch_existing e WHERE e.k = b.${key} AND e.v = b.${version})` +
        (options.sourceDistinct === true ? '' : ` QUALIFY row_number() OVER (PARTITION BY b.${key}, b.${version} ORDER BY b.${time}) = 1`),
    );
    await tx.run('DROP TABLE fluxo_batch_existing');
    return Number(inserted?.Count ?? 0);
  }

  /** The id of the latest committed snapshot. */
  async currentSnapshot(): Promise<number> {
    const [row] = await this.engine.all<{ id: number }>(`SELECT id FROM ${this.alias}.current_snapshot()`);
    return Number(row?.id ?? 0);
  }

  /** The Parquet files of the table's current snapshot: exactly what any reader of it reads. */
  async dataFiles(table: string): Promise<DataFile[]> {
    return this.files(table, 'f.end_snapshot IS NULL');
  }

  /** The files a snapshot added to a table (still present in the current snapshot). */
  async filesAddedIn(table: string, snapshotId: number): Promise<DataFile[]> {
    return this.files(table, `f.end_snapshot IS NULL AND f.begin_snapshot = ${Math.trunc(snapshotId)}`);
  }

  /** Detaches the catalog (the engine stays open). Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.engine.run(`DETACH ${this.alias}`).catch((error: unknown) => this.logger.warn({ error: describeError(error) }, 'could not detach the catalog'));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private async files(table: string, where: string): Promise<DataFile[]> {
    this.assertOpen();
    const meta = this.metadata;
    const rows = await this.engine.all<{
      path: string;
      relative: boolean;
      delete_path: string | null;
      delete_relative: boolean | null;
      schema_path: string;
      table_path: string;
      bytes: number;
      rows: number;
      snapshot: number;
    }>(
      `SELECT f.path, f.path_is_relative AS relative, d.path AS delete_path, d.path_is_relative AS delete_relative, s.path AS schema_path, t.path AS table_path, ` +
        `f.file_size_bytes::BIGINT AS bytes, f.record_count::BIGINT AS rows, f.begin_snapshot::BIGINT AS snapshot ` +
        `FROM ${meta}.ducklake_data_file f JOIN ${meta}.ducklake_table t ON t.table_id = f.table_id AND t.end_snapshot IS NULL ` +
        `JOIN ${meta}.ducklake_schema s ON s.schema_id = t.schema_id AND s.end_snapshot IS NULL ` +
        `LEFT JOIN ${meta}.ducklake_delete_file d ON d.data_file_id = f.data_file_id AND d.end_snapshot IS NULL ` +
        `WHERE t.table_name = ${sqlString(table)} AND s.schema_name = 'main' AND ${where}`,
    );
    const absolute = (path: string, relative: boolean, row: { schema_path: string; table_path: string }) => (relative ? joinDataPath(this.dataPath, row.schema_path, row.table_path, path) : path);
    return rows
      .map((row) => ({
        path: absolute(row.path, row.relative, row),
        deleteFile: row.delete_path === null ? null : absolute(row.delete_path, row.delete_relative === true, row),
        bytes: Number(row.bytes),
        rows: Number(row.rows),
        snapshotId: Number(row.snapshot),
      }))
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  private async columnsOf(session: SqlSession, table: string): Promise<Map<string, string>> {
    const rows = await session.all<{ column_name: string; data_type: string }>(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_catalog = ${sqlString(this.alias)} AND table_schema = 'main' AND table_name = ${sqlString(table)}`,
    );
    return new Map(rows.map((row) => [row.column_name, normalizeType(row.data_type)]));
  }

  private assertOpen(): void {
    if (this.closed) throw new LakehouseError('CLOSED', 'the lakehouse is closed');
  }
}

function normalizeType(type: string): string {
  const upper = type.toUpperCase();
  return upper === 'TIMESTAMP WITH TIME ZONE' ? 'TIMESTAMPTZ' : upper;
}

