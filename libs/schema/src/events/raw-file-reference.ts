import { randomUUID } from 'node:crypto';
import { FILE_REFERENCE_VERSION, type FileReferenceFields, type ProducerIdentity } from './file-reference';

/** What a producer knows of a raw file it wrote: everything its reference says about the bytes. */
export type RawFileFacts = Pick<FileReferenceFields, 'uri' | 'sha256' | 'bytes' | 'rows' | 'schemaFingerprint' | 'minEventTime' | 'maxEventTime'>;

/** The claim-check reference that announces a raw file (a new event id each call). */
export function rawFileReference(
  file: RawFileFacts,
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
