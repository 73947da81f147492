import { writeFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { BUILTIN_DEFINITIONS, DefinitionCatalog, silentLogger } from '@fluxo/schema';
import { ParquetEngine, sqlString } from '@fluxo/parquet-io';
import { createTempLake, type TempLake } from '@fluxo/parquet-io/testing';
import { LakeData } from '../lake-data';

/** A temp lake, a real DuckDB engine and the LakeData the dashboard would use on it. */
export interface TestLake extends AsyncDisposable {
  readonly tmp: TempLake;
  readonly engine: ParquetEngine;
  readonly lake: LakeData;
  /** Writes `sql`'s rows as `<zone>/<name>/<partition>/<file>.parquet`; returns the path. */
  write(uri: string, sql: string): Promise<string>;
  writeBytes(uri: string, bytes: string): Promise<string>;
}

export async function createTestLake(): Promise<TestLake> {
  const tmp = await createTempLake('fluxo-web-');
  const engine = await ParquetEngine.open({ logger: silentLogger, threads: 1, memoryLimitMb: 256 });
  const catalog = DefinitionCatalog.build(BUILTIN_DEFINITIONS);
  const lake = new LakeData({ root: tmp.lake.root, engine: () => Promise.resolve(engine), catalog: () => Promise.resolve(catalog), scanMaxAgeMs: 0 });
  const close = async () => {
    await engine.close();
    await tmp.cleanup();
  };
  return {
    tmp,
    engine,
    lake,
    write: async (uri, sql) => {
      const path = join(tmp.lake.root, uri);
      await mkdir(dirname(path), { recursive: true });
      await engine.run(`COPY (${sql}) TO ${sqlString(path)} (FORMAT parquet, COMPRESSION zstd)`);
      return path;
    },
    writeBytes: async (uri, bytes) => {
      const path = join(tmp.lake.root, uri);
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
