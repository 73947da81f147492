import { RAW_SCHEMA_FINGERPRINT } from './raw-schema';
import { checkRows, RAW_ROW_GROUP_SIZE, withRawTable, type StagedRawFile, type WriteRawFileInput } from './raw-file-writer';
import type { ParquetEngine } from './engine';
import { ParquetIoError } from './errors';
import { PARQUET_COPY_OPTIONS } from './parquet-format';
import type { S3Lake } from './s3-lake';
import { sqlFilePath } from './sql';

/**
 * `writeRawFile` for a lake on S3-compatible storage: the same RAW_SCHEMA file, written by DuckDB
 * straight to its object (`COPY … TO 's3://…'`; the object appears whole when the upload completes,
 * never in part), then its size and SHA-256 read back from the object itself, so the reference
 * describes exactly the bytes stored. An object store has no rename: `commit()` has nothing left to
 * do, and `discard()` leaves the object to raw retention (it is never announced, so nothing reads it).
 * `tmpPath` is the object URL too.
 */
export async function writeRawObject(engine: ParquetEngine, lake: S3Lake, input: WriteRawFileInput): Promise<StagedRawFile> {
  const location = lake.rawPath(input.source, input.fetchedAt, input.stem);
  const { minEventTime, maxEventTime } = checkRows(input.rows);
  const url = lake.resolve(location.uri);
  if (input.overwrite !== true && (await lake.exists(url, location.uri))) {
    throw new ParquetIoError('ALREADY_EXISTS', `${location.uri} already exists`, { context: { uri: location.uri, path: url } });
  }
  const rows = await withRawTable(engine, input, async (table) => {
    try {
      const result = await engine.all<{ Count: number }>(`COPY (SELECT * FROM ${table}) TO ${sqlFilePath(url)} (${PARQUET_COPY_OPTIONS}, ROW_GROUP_SIZE ${RAW_ROW_GROUP_SIZE})`);
      return Number(result[0]?.Count ?? 0);
    } catch (error) {
      throw new ParquetIoError('WRITE_FAILED', `could not write ${location.uri}: ${error instanceof Error ? error.message.split('\n', 1)[0] : String(error)}`, {
        cause: error,
        retriable: true,
        context: { uri: location.uri, path: url },
      });
    }
  });
  const facts = await lake.factsOf(url, location.uri);
  return {
    uri: location.uri,
    rows,
    minEventTime,
    maxEventTime,
    path: url,
    tmpPath: url,
    sha256: facts.sha256,
    bytes: facts.bytes,
    schemaFingerprint: RAW_SCHEMA_FINGERPRINT,
    commit: async () => undefined,
    discard: async () => undefined,
  };
}

