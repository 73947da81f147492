import { sha256File, writeFileAtomically, writeRawFile, type Lake, type ParquetEngine } from '@fluxo/parquet-io';
import type { Quarantine, RawFileSink } from './ports';

/** Raw files in the lake through libs/parquet-io. */
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
    sha256Of: (path) => sha256File(path),
  };
}

/** Responses that could not be processed, kept verbatim under `<lake>/quarantine/ingest/`. */
export function lakeQuarantine(lake: Lake): Quarantine {
  return {
    async keep({ source, at, stem, body }) {
      const location = lake.quarantinePath('ingest', at, `${source}-${stem}`, 'json');
      await writeFileAtomically(await lake.resolve(location.uri), body);
      return location.uri;
    },
  };
}
