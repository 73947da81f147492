import { createHash } from 'node:crypto';
import type { ParquetEngine } from './engine';
import type { Lake } from './lake';
import type { RawRow } from './raw-schema';
import { writeRawFile, type StagedRawFile } from './raw-file-writer';
import { openRawFileBuilder, type RawFileBuilder } from './raw-file-builder';

/**
 * What a producer needs from the lake to write raw files: stage one under a hidden temp name
 * (libs/producer commits, announces and recovers it). Producers depend on this interface so their
 * crash windows can be tested with a fake.
 */
export interface RawFileSink {
  stage(input: { readonly source: string; readonly stem: string; readonly fetchedAt: Date; readonly records: readonly RawRow[] }): Promise<StagedRawFile>;
}

/** A sink that can also build one raw file from records that arrive in parts (a streamed response). */
export interface StreamingRawFileSink extends RawFileSink {
  open(input: { readonly source: string; readonly fetchedAt: Date }): Promise<RawFileBuilder>;
}

/** The lake-backed sink: `writeRawFile` (RAW_SCHEMA, DuckDB), or a builder for streamed records. */
export function lakeRawFileSink(engine: ParquetEngine, lake: Lake): StreamingRawFileSink {
  return {
    open: (input) => openRawFileBuilder(engine, lake, input),
    stage: ({ source, stem, fetchedAt, records }) => writeRawFile(engine, lake, { source, stem, fetchedAt, rows: records }),
  };
}

/** `20250504-135257-110`: a sortable UTC time for file stems. */
export function stemTime(at: Date): string {
  const iso = at.toISOString();
  return `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}-${iso.slice(20, 23)}`;
}

/** A raw file's stem from its time and its records' identities: sortable, and unique per content. */
export function rawFileStem(at: Date, records: readonly Pick<RawRow, 'key' | 'version'>[]): string {
  const hash = createHash('sha256');
  for (const record of records) hash.update(record.key).update('\u0000').update(record.version).update('\n');
  return `${stemTime(at)}-${hash.digest('hex').slice(0, 12)}`;
}
