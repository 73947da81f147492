import { recoverStagedFile, sha256File, writeRawFile, type Lake, type ParquetEngine } from '@fluxo/parquet-io';
import type { RawFileSink } from './ports';

/** Raw files in the lake through libs/parquet-io (explicit RAW_SCHEMA, staged then committed). */
export function lakeRawFileSink(engine: ParquetEngine, lake: Lake): RawFileSink {
  return {
    async stage({ source, stem, fetchedAt, records }) {
      const written = await writeRawFile(engine, lake, { source, stem, fetchedAt, rows: records });
      const { staged } = written;
      return {
        uri: written.uri,
        finalPath: staged.finalPath,
        tmpPath: staged.tmpPath,
        sha256: written.sha256,
        bytes: written.bytes,
        rows: written.rows,
        minEventTime: written.minEventTime,
        maxEventTime: written.maxEventTime,
        schemaFingerprint: written.schemaFingerprint,
        commit: () => staged.commit(),
        discard: () => staged.discard(),
      };
    },
    makeVisible: (tmpPath, finalPath) => recoverStagedFile(tmpPath, finalPath),
    sha256Of: (path) => sha256File(path),
  };
}
