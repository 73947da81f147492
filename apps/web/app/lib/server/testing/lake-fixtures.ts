import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { BUILTIN_DEFINITIONS, COLUMN_TYPES, DefinitionCatalog, LINEAGE_SQL_TYPES, silentLogger, sqlString, type DatasetDefinition } from '@fluxo/schema';
import { LAKEHOUSE_EXTENSIONS, parseCatalogLocation, type CatalogLocation, type TableSpec } from '@fluxo/lakehouse';
import { openTestLakehouse, testExtensionDirectory, type TestLakehouse } from '@fluxo/lakehouse/testing';
import { ParquetEngine } from '@fluxo/parquet-io';
import { CuratedTables, type CuratedTablesOptions } from '../curated-tables';
import { LakeData } from '../lake-data';

/**
 * A temp lakehouse written the way the normalizer writes it (libs/lakehouse: `ensureTable`, one
 * `commit` with `appendDistinct` per batch), read the way the dashboard reads it: its own DuckDB engine
 * attaching the same SQLite catalog read-only, and the LakeData over both.
 */
export interface TestLake extends AsyncDisposable {
  /** The writer's side (the normalizer): its engine and read-write lakehouse. */
  readonly writer: TestLakehouse;
  /** The lake's root (raw/, curated/, quarantine/). */
  readonly root: string;
  readonly catalog: CatalogLocation;
  /** The dashboard's engine (ParquetEngine with the DuckLake extensions). */
  readonly engine: ParquetEngine;
  readonly tables: CuratedTables;
  readonly lake: LakeData;
  /** Creates the dataset's table (from its definition unless `spec` is given) without rows. */
  ensureTable(dataset: string, spec?: TableSpec): Promise<TableSpec>;
  /** Commits `sql`'s rows to the dataset's table as one normalizer commit (each (key, version) once); returns the snapshot id. */
  commit(dataset: string, sql: string, spec?: TableSpec): Promise<number>;
  /** Sets a commit's time in the catalog (as `utimes` sets a file's): commit times drive rates and latency. */
  backdate(snapshotId: number, iso: string): Promise<void>;
  /** Writes `sql`'s rows as a Parquet file at a lake-relative `uri` (raw and quarantine zones); returns the path. */
  write(uri: string, sql: string): Promise<string>;
  writeBytes(uri: string, bytes: string): Promise<string>;
}

export const TEST_DEFINITIONS = DefinitionCatalog.build(BUILTIN_DEFINITIONS);

/** The table the normalizer makes of a dataset definition: its columns, then the lineage columns. */
export function tableSpecOf(definition: DatasetDefinition): TableSpec {
  return {
    name: definition.name,
    columns: [...definition.columns.map((column) => ({ name: column.name, sqlType: COLUMN_TYPES[column.type] })), ...LINEAGE_SQL_TYPES],
    eventTimeColumn: definition.partitionBy,
    identity: { key: '_record_key', version: '_record_version' },
    latest: { entityKey: definition.entityKey, versionColumn: definition.versionColumn },
  };
}

/** The dashboard's engine, as runtime.ts opens it (small, for tests). */
export function openDashboardEngine(): Promise<ParquetEngine> {
  return ParquetEngine.open({ logger: silentLogger, threads: 1, memoryLimitMb: 256, extensions: LAKEHOUSE_EXTENSIONS, extensionDirectory: testExtensionDirectory() });
}

/** CuratedTables with test timings: no caching, immediate re-checks, short retry delays. */
export function testCuratedTables(engine: ParquetEngine, catalog: CatalogLocation, dataPath: string, options: Partial<CuratedTablesOptions> = {}): CuratedTables {
  return new CuratedTables({ engine: () => Promise.resolve(engine), catalog, dataPath, logger: silentLogger, recheckMs: 0, listMaxAgeMs: 0, retryDelayMs: 10, ...options });
}

export async function createTestLake(): Promise<TestLake> {
  const writer = await openTestLakehouse();
  // The catalog the writer attached (`sqlite:<path>`), which the dashboard attaches too.
  const [attached] = await writer.engine.all<{ path: string }>(`SELECT path FROM duckdb_databases() WHERE database_name = ${sqlString(writer.lakehouse.alias)}`);
  const catalog = parseCatalogLocation(attached?.path ?? 'unknown');
  const dataPath = writer.lakehouse.dataPath;
  const root = dirname(dataPath.replace(/\/$/, ''));
  const engine = await openDashboardEngine();
  const tables = testCuratedTables(engine, catalog, dataPath);
  const lake = new LakeData({ root, engine: () => Promise.resolve(engine), tables, catalog: () => Promise.resolve(TEST_DEFINITIONS), scanMaxAgeMs: 0 });
  const specOf = (dataset: string, spec?: TableSpec) => spec ?? tableSpecOf(TEST_DEFINITIONS.dataset(dataset));
  const ensureTable = async (dataset: string, spec?: TableSpec) => {
    const resolved = specOf(dataset, spec);
    await writer.lakehouse.ensureTable(resolved);
    return resolved;
  };
  const close = async () => {
    await tables.close();
    await engine.close();
    await writer.cleanup();
  };
  return {
    writer,
    root,
    catalog,
    engine,
    tables,
    lake,
    ensureTable,
    commit: async (dataset, sql, spec) => {
      const resolved = await ensureTable(dataset, spec);
      await writer.engine.run(`CREATE OR REPLACE TEMP TABLE fluxo_web_batch AS ${sql}`);
      try {
        await writer.lakehouse.commit(`test ${dataset}`, (tx) => writer.lakehouse.appendDistinct(tx, resolved, 'fluxo_web_batch'));
      } finally {
        await writer.engine.run('DROP TABLE IF EXISTS fluxo_web_batch');
      }
      return writer.lakehouse.currentSnapshot();
    },
    backdate: async (snapshotId, iso) => {
      const time = new Date(iso).toISOString().replace('T', ' ').replace('Z', '+00');
      await writer.engine.run(`UPDATE ${writer.lakehouse.metadata}.ducklake_snapshot SET snapshot_time = ${sqlString(time)} WHERE snapshot_id = ${Math.trunc(snapshotId)}`);
    },
    write: async (uri, sql) => {
      const path = join(root, uri);
      await mkdir(dirname(path), { recursive: true });
      await engine.run(`COPY (${sql}) TO ${sqlString(path)} (FORMAT parquet, COMPRESSION zstd)`);
      return path;
    },
    writeBytes: async (uri, bytes) => {
      const path = join(root, uri);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, bytes);
      return path;
    },
    [Symbol.asyncDispose]: close,
  };
}

const LINEAGE = (fetchedAt: string, raw: string) =>
  `'usgs-earthquakes' AS _source, event_id AS _record_key, CAST(epoch_ms(updated_at) AS VARCHAR) AS _record_version, TIMESTAMPTZ '${fetchedAt}' AS _fetched_at,
   '${raw}' AS _raw_uri, 'fluxo.raw-files' AS _kafka_topic, 0::BIGINT AS _kafka_partition, 7::BIGINT AS _kafka_offset`;

/** Curated earthquake rows (one per version) in the dataset's column order, with lineage. */
export function quakeRows(rows: readonly { id: string; time: string; updated: string; mag: number | null; lon?: number; lat?: number; place?: string }[], fetchedAt: string): string {
  const values = rows
    .map((row) => `(${sqlString(row.id)}, TIMESTAMPTZ ${sqlString(row.time)}, TIMESTAMPTZ ${sqlString(row.updated)}, ${row.mag ?? 'NULL'}, ${row.lon ?? -117.5}, ${row.lat ?? 35.1}, ${sqlString(row.place ?? `near ${row.id}`)})`)
    .join(', ');
  return `SELECT event_id, event_time, updated_at, magnitude::DOUBLE AS magnitude, 'ml' AS magnitude_type, longitude::DOUBLE AS longitude, latitude::DOUBLE AS latitude,
            5.5::DOUBLE AS depth_km, place, 'reviewed' AS status, 'earthquake' AS event_type, 10::BIGINT AS significance, false AS tsunami, 'ci' AS network,
            'https://example.org/' || event_id AS url, ${LINEAGE(fetchedAt, 'raw/usgs-earthquakes/date=2025-05-04/poll-1.parquet')}
     FROM (VALUES ${values}) AS t(event_id, event_time, updated_at, magnitude, longitude, latitude, place)`;
}
