/** Builders for tests in any project: valid by default, override what the test is about. */
import { randomUUID } from 'node:crypto';
import { FILE_REFERENCE_VERSION, type FileReferenceFields } from './events/file-reference';
import type { Logger } from './logger';

export function aFileReference(overrides: Partial<FileReferenceFields> = {}): FileReferenceFields {
  return {
    schemaVersion: FILE_REFERENCE_VERSION,
    eventId: randomUUID(),
    kind: 'raw',
    source: 'usgs-earthquakes',
    dataset: 'earthquakes',
    uri: 'raw/usgs-earthquakes/date=2025-05-04/poll-0001.parquet',
    sha256: 'a'.repeat(64),
    bytes: 1234,
    rows: 10,
    schemaFingerprint: 'b'.repeat(64),
    minEventTime: '2025-05-04T13:00:00.000Z',
    maxEventTime: '2025-05-04T13:52:57.000Z',
    producer: { app: 'ingest', instance: 'test-host:1', version: '0.1.0' },
    producedAt: '2025-05-04T13:53:00.000Z',
    inputs: undefined,
    ...overrides,
  };
}

export interface RecordedLog {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly fields: Record<string, unknown>;
  readonly message: string | undefined;
}

/** A Logger that keeps every entry, so tests can assert what was logged. */
export function recordingLogger(entries: RecordedLog[] = [], bindings: object = {}): Logger & { readonly entries: RecordedLog[] } {
  const log = (level: RecordedLog['level']) => (fields: object, message?: string) => {
    entries.push({ level, fields: { ...bindings, ...fields }, message });
  };
  return {
    entries,
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (more: object) => recordingLogger(entries, { ...bindings, ...more }),
  };
}
