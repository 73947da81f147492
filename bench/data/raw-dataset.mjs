// @ts-check
/**
 * The normalize workload's input: `files` raw Parquet files of the usgs-earthquakes source holding
 * `rows` generated features in total, written with fluxo's own `writeRawFile` (so they are exactly
 * what apps/ingest writes: RAW_SCHEMA, zstd, fsynced, hashed) into a lake under `.fluxo/bench/data`.
 *
 * File f models poll f of the all_day feed, fetched at 2025-05-04T00:00Z + f × 15 min, holding
 * events of the 24 h before the fetch (so most files span two event dates, as real polls do).
 * Generated once per (rows, files, seed) and reused; `manifest.json` lists each file with what its
 * FileReference needs. The naive baseline also gets a snappy copy of every file (see naive/README).
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadFluxoLibs } from '../lib/build.mjs';
import { DATA_DIR } from '../lib/paths.mjs';
import { earthquakeGenerator } from './earthquake-model.mjs';

const GENERATOR_VERSION = 3; // 3: raw files with 4,096-row groups (libs/parquet-io RAW_ROW_GROUP_SIZE)
const FIRST_FETCH_MS = Date.parse('2025-05-04T00:00:00Z');
const POLL_EVERY_MS = 15 * 60_000;
const FEED_WINDOW_MS = 24 * 3600_000;
export const SOURCE = 'usgs-earthquakes';
export const DATASET = 'earthquakes';

/**
 * @typedef {object} RawFileEntry
 * @property {string} uri        lake-relative
 * @property {string} path       absolute path in the data set's lake
 * @property {string} snappyPath absolute path of the snappy copy (naive baseline input)
 * @property {string} snappySha256
 * @property {number} snappyBytes
 * @property {string} sha256
 * @property {number} bytes
 * @property {number} rows
 * @property {string | null} minEventTime
 * @property {string | null} maxEventTime
 * @property {string} schemaFingerprint
 */

/**
 * @typedef {object} RawDataset
 * @property {string} dir
 * @property {string} lakeDir
 * @property {number} rows
 * @property {RawFileEntry[]} files
 * @property {number} totalBytes
 */

/**
 * @param {{ rows: number, files: number, seed?: number, log?: (m: string) => void }} options
 * @returns {Promise<RawDataset>}
 */
export async function ensureRawDataset({ rows, files, seed = 20250504, log = () => undefined }) {
  const dir = join(DATA_DIR, `earthquakes-${rows}r-${files}f-s${seed}-v${GENERATOR_VERSION}`);
  const manifestPath = join(dir, 'manifest.json');
  if (existsSync(manifestPath)) return JSON.parse(await readFile(manifestPath, 'utf8'));

  log(`generating ${rows.toLocaleString('en')} rows in ${files} raw files under ${dir} (once)`);
  await rm(dir, { recursive: true, force: true });
  const lakeDir = join(dir, 'lake');
  const snappyDir = join(dir, 'snappy');
  await mkdir(snappyDir, { recursive: true });
  const libs = await loadFluxoLibs();
  const lake = await libs.Lake.open(lakeDir);
  const engine = await libs.ParquetEngine.open({ logger: libs.silentLogger, threads: 2, memoryLimitMb: 2048 });
  const next = earthquakeGenerator({ seed });
  /** @type {RawFileEntry[]} */
  const entries = [];
  try {
    for (let f = 0; f < files; f++) {
      const count = Math.floor(rows / files) + (f < rows % files ? 1 : 0);
      const fetchedAt = new Date(FIRST_FETCH_MS + f * POLL_EVERY_MS);
      const rawRows = new Array(count);
      for (let i = 0; i < count; i++) {
        const time = fetchedAt.getTime() - Math.floor(((i + 0.5) / count) * FEED_WINDOW_MS);
        const feature = next(time);
        rawRows[i] = { key: feature.id, version: String(feature.properties.updated), eventTime: new Date(time), record: JSON.stringify(feature), context: null };
      }
      const stem = `bench-poll-${String(f).padStart(4, '0')}`;
      const written = await libs.writeRawFile(engine, lake, { source: SOURCE, stem, fetchedAt, rows: rawRows });
      await written.commit();
      const snappyPath = join(snappyDir, `${stem}.parquet`);
      await engine.run(
        `COPY (SELECT * FROM read_parquet(${libs.sqlString(written.path)}, hive_partitioning = false)) TO ${libs.sqlString(snappyPath)} (FORMAT parquet, COMPRESSION snappy, PARQUET_VERSION V1)`,
      );
      entries.push({
        uri: written.uri,
        path: written.path,
        snappyPath,
        ...(await digest(snappyPath)),
        sha256: written.sha256,
        bytes: written.bytes,
        rows: written.rows,
        minEventTime: written.minEventTime,
        maxEventTime: written.maxEventTime,
        schemaFingerprint: written.schemaFingerprint,
      });
    }
  } finally {
    await engine.close();
  }
  /** @type {RawDataset} */
  const dataset = { dir, lakeDir, rows, files: entries, totalBytes: entries.reduce((sum, e) => sum + e.bytes, 0) };
  await writeFile(manifestPath, JSON.stringify(dataset, null, 1));
  return dataset;
}

/** @param {string} path @returns {Promise<{ snappySha256: string, snappyBytes: number }>} */
async function digest(path) {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { snappySha256: hash.digest('hex'), snappyBytes: bytes };
}
