import { randomUUID } from 'node:crypto';
import { FILE_REFERENCE_VERSION, type DriftSummaryFields, type FileReferenceFields, type InputLineage, type ProducerIdentity } from './file-reference';

/** What a writer knows of a file it wrote: everything its reference says about the bytes. */
export type FileFacts = Pick<FileReferenceFields, 'uri' | 'sha256' | 'bytes' | 'rows' | 'schemaFingerprint' | 'minEventTime' | 'maxEventTime'>;

/** The claim-check reference that announces a raw file (a new event id each call). */
export function rawFileReference(
  file: FileFacts,
  origin: { readonly source: string; readonly dataset: string; readonly producer: Readonly<ProducerIdentity> },
): FileReferenceFields {
  return {
    schemaVersion: FILE_REFERENCE_VERSION,
    eventId: randomUUID(),
    kind: 'raw',
    source: origin.source,
    dataset: origin.dataset,
    ...facts(file),
    producer: origin.producer,
    producedAt: new Date().toISOString(),
    inputs: undefined,
  };
}

/**
 * The reference that announces a curated data file, with the raw inputs it was derived from and
 * the commit's schema drift. `eventId` is the caller's: derived from the commit, so announcing
 * the same commit again repeats the same events.
 */
export function curatedFileReference(
  file: FileFacts,
  origin: {
    readonly eventId: string;
    readonly source: string;
    readonly dataset: string;
    readonly producer: Readonly<ProducerIdentity>;
    readonly inputs: readonly Readonly<InputLineage>[];
    readonly drift?: DriftSummaryFields;
  },
): FileReferenceFields {
  return {
    schemaVersion: FILE_REFERENCE_VERSION,
    eventId: origin.eventId,
    kind: 'curated',
    source: origin.source,
    dataset: origin.dataset,
    ...facts(file),
    producer: origin.producer,
    producedAt: new Date().toISOString(),
    inputs: origin.inputs,
    ...(origin.drift === undefined ? {} : { drift: origin.drift }),
  };
}

function facts(file: FileFacts): FileFacts {
  return {
    uri: file.uri,
    sha256: file.sha256,
    bytes: file.bytes,
    rows: file.rows,
    schemaFingerprint: file.schemaFingerprint,
    minEventTime: file.minEventTime,
    maxEventTime: file.maxEventTime,
  };
}
