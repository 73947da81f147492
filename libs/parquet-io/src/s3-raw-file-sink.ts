import { durableFiles } from './atomic-file';
import type { ParquetEngine } from './engine';
import { ParquetIoError } from './errors';
import type { Lake } from './lake';
import { PARQUET_COPY_OPTIONS } from './parquet-format';
import { openRawFileBuilder } from './raw-file-builder';
import type { StreamingRawFileSink } from './raw-file-sink';
import { RAW_ROW_GROUP_SIZE, type StagedRawFile } from './raw-file-writer';
import { writeRawObject } from './raw-object-writer';
import { RAW_SCHEMA_FINGERPRINT } from './raw-schema';
import type { S3Lake } from './s3-lake';
import { isObjectUrl, sqlFilePath, sqlReadParquet } from './sql';

/**
 * The raw-file sink of a lake on S3-compatible storage. `stage` writes the object directly
 * (`writeRawObject`). A streamed response is built in the local lake as today (spills and a staged
 * file under `staging`), then copied into its object by DuckDB and the local file dropped: the
 * reference describes the object's own bytes.
 */
export function s3RawFileSink(engine: ParquetEngine, lake: S3Lake, staging: Lake): StreamingRawFileSink {
  return {
    stage: ({ source, stem, fetchedAt, records }) => writeRawObject(engine, lake, { source, stem, fetchedAt, rows: records }),
    open: async (input) => {
      const builder = await openRawFileBuilder(engine, staging, input);
      return {
        get rows() {
          return builder.rows;
        },
        beginPart: () => builder.beginPart(),
        append: (rows) => builder.append(rows),
        discardPart: () => builder.discardPart(),
        discard: () => builder.discard(),
        finish: async (stem, options) => {
          const local = await builder.finish(stem, options);
          try {
            return await uploadStaged(engine, lake, local, { source: input.source, fetchedAt: input.fetchedAt, stem, overwrite: options?.overwrite ?? false });
          } finally {
            await local.discard();
          }
        },
      };
    },
  };
}

async function uploadStaged(engine: ParquetEngine, lake: S3Lake, local: StagedRawFile, target: { source: string; fetchedAt: Date; stem: string; overwrite: boolean }): Promise<StagedRawFile> {
  const { uri } = lake.rawPath(target.source, target.fetchedAt, target.stem);
  const url = lake.resolve(uri);
  if (!target.overwrite && (await lake.exists(url, uri))) throw new ParquetIoError('ALREADY_EXISTS', `${uri} already exists`, { context: { uri, path: url } });
  try {
    await engine.run(`COPY (SELECT * FROM ${sqlReadParquet(local.tmpPath)}) TO ${sqlFilePath(url)} (${PARQUET_COPY_OPTIONS}, ROW_GROUP_SIZE ${RAW_ROW_GROUP_SIZE})`);
  } catch (error) {
    throw new ParquetIoError('WRITE_FAILED', `could not write ${uri}`, { cause: error, retriable: true, context: { uri, path: url } });
  }
  const facts = await lake.factsOf(url, uri);
  return { ...local, uri, path: url, tmpPath: url, ...facts, schemaFingerprint: RAW_SCHEMA_FINGERPRINT, commit: async () => undefined, discard: async () => undefined };
}

/**
 * The producers' crash-safe file operations with raw files on S3: state files stay local
 * (`durableFiles`); an object URL is "visible" when the object exists (an upload is atomic, so there
 * is no rename to finish) and its checksum is read from the object.
 */
export function s3DurableFiles(lake: S3Lake): typeof durableFiles {
  return {
    writeAtomically: durableFiles.writeAtomically,
    makeVisible: async (tmpPath, finalPath) => (isObjectUrl(finalPath) ? lake.exists(lake.resolve(finalPath), finalPath) : durableFiles.makeVisible(tmpPath, finalPath)),
    sha256Of: async (path) => (isObjectUrl(path) ? (await lake.factsOf(lake.resolve(path), path)).sha256 : durableFiles.sha256Of(path)),
  };
}
