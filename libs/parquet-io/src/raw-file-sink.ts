import { createHash, randomUUID } from 'node:crypto';
import { FILE_REFERENCE_VERSION, type FileReferenceFields, type ProducerIdentity } from '@fluxo/schema';
import { recoverStagedFile, sha256File } from './atomic-file';
import type { ParquetEngine } from './engine';
import type { Lake } from './lake';
import type { RawRow } from './raw-schema';
import { writeRawFile, type WrittenRawFile } from './raw-file-writer';
import { openRawFileBuilder, type RawFileBuilder } from './raw-file-builder';

/** A raw file written under a hidden temp name: everything its reference needs, visible only after `commit`. */
export interface StagedRawFile {
  readonly uri: string;
  readonly finalPath: string;
  readonly tmpPath: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly rows: number;
  readonly minEventTime: string | null;
  readonly maxEventTime: string | null;
  readonly schemaFingerprint: string;
  commit(): Promise<void>;
  discard(): Promise<void>;
}

/**
 * What a producer needs from the lake to write raw files crash-safely: stage a file, finish a
 * commit a crash interrupted, re-hash a file before re-announcing it. Producers depend on this
 * interface so their crash windows can be tested with a fake.
 */
export interface RawFileSink {
  stage(input: { readonly source: string; readonly stem: string; readonly fetchedAt: Date; readonly records: readonly RawRow[] }): Promise<StagedRawFile>;
  /** True when `finalPath` exists or the temp file could be renamed to it; false when neither exists. */
  makeVisible(tmpPath: string, finalPath: string): Promise<boolean>;
  sha256Of(path: string): Promise<string>;
}

/** A sink that can also build one raw file from records that arrive in parts (a streamed response). */
export interface StreamingRawFileSink extends RawFileSink {
  open(input: { readonly source: string; readonly fetchedAt: Date }): Promise<RawFileBuilder>;
}

/** Stages what a builder wrote, in the form `stage` returns. */
export function stagedRawFile(written: WrittenRawFile): StagedRawFile {
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
}

/** The lake-backed sink: `writeRawFile` (RAW_SCHEMA, DuckDB) plus the recovery helpers. */
export function lakeRawFileSink(engine: ParquetEngine, lake: Lake): StreamingRawFileSink {
  return {
    open: (input) => openRawFileBuilder(engine, lake, input),
    async stage({ source, stem, fetchedAt, records }) {
      const { staged, ...written } = await writeRawFile(engine, lake, { source, stem, fetchedAt, rows: records });
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
    makeVisible: recoverStagedFile,
    sha256Of: sha256File,
  };
}

/** The claim-check reference that announces a staged raw file (a new event id each call). */
export function rawFileReference(
  file: StagedRawFile,
  origin: { readonly source: string; readonly dataset: string; readonly producer: Readonly<ProducerIdentity> },
): FileReferenceFields {
  return {
    schemaVersion: FILE_REFERENCE_VERSION,
    eventId: randomUUID(),
    kind: 'raw',
    source: origin.source,
    dataset: origin.dataset,
    uri: file.uri,
    sha256: file.sha256,
    bytes: file.bytes,
    rows: file.rows,
    schemaFingerprint: file.schemaFingerprint,
    minEventTime: file.minEventTime,
    maxEventTime: file.maxEventTime,
    producer: origin.producer,
    producedAt: new Date().toISOString(),
    inputs: undefined,
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
