import { createHash } from 'node:crypto';
import { parseRecordPath, readPath, type ParsedPath } from './record-path';
import type { SourceDefinition, TimeFormat } from './source-definition';

/** One record of a response, with the identity the pipeline tracks it by. */
export interface ExtractedRecord {
  readonly key: string;
  readonly version: string;
  readonly eventTime: Date | null;
  /** The record's JSON text, verbatim. */
  readonly record: string;
  /** JSON text of the envelope fields listed in `records.context`, or null. */
  readonly context: string | null;
}

export interface ExtractionResult {
  readonly records: ExtractedRecord[];
  /** Records skipped because their key could not be read, with why: they go to the dead letter. */
  readonly rejected: { readonly record: string; readonly reason: string }[];
}

export class ResponseShapeError extends Error {
  override readonly name = 'ResponseShapeError';
}

/**
 * Compiles a source's record layout and identity paths once, then extracts records from each
 * parsed response. Throws `ResponseShapeError` when the records are not where the definition says.
 */
export function createRecordExtractor(source: SourceDefinition): (response: unknown) => ExtractionResult {
  const keyPaths = source.key.map(parseRecordPath);
  const versionPath = source.version === undefined ? undefined : parseRecordPath(source.version);
  const eventTime = source.eventTime === undefined ? undefined : { path: parseRecordPath(source.eventTime.path), format: source.eventTime.format };
  const contextFields = source.records.context ?? [];

  return (response) => {
    const container = source.records.path === '$' ? response : readDotted(response, source.records.path);
    const rows = source.records.layout === 'rows' ? asRows(container, source.records.path) : zipColumns(container, source.records.path);
    const context = contextFields.length === 0 ? null : pick(response, contextFields);
    const contextText = context === null ? null : JSON.stringify(context);
    const records: ExtractedRecord[] = [];
    const rejected: ExtractionResult['rejected'] = [];
    for (const row of rows) {
      const recordText = JSON.stringify(row);
      const keyParts = keyPaths.map((path) => readPath(path, row, context));
      if (keyParts.some((part) => part === undefined || part === null || typeof part === 'object')) {
        rejected.push({ record: recordText, reason: `key ${source.key.join(', ')} is missing or not a scalar` });
        continue;
      }
      records.push({
        key: keyParts.length === 1 ? String(keyParts[0]) : JSON.stringify(keyParts),
        version: versionOf(versionPath, row, context, recordText, contextText),
        eventTime: eventTime === undefined ? null : parseTime(readPath(eventTime.path, row, context), eventTime.format),
        record: recordText,
        context: contextText,
      });
    }
    return { records, rejected };
  };
}

function versionOf(path: ParsedPath | undefined, row: unknown, context: unknown, recordText: string, contextText: string | null): string {
  if (path !== undefined) {
    const value = readPath(path, row, context);
    if (value !== undefined && value !== null && typeof value !== 'object') return String(value);
  }
  return createHash('sha256').update(recordText).update('\n').update(contextText ?? '').digest('hex').slice(0, 32);
}

/** Reads a time value; ISO strings without an offset are taken as UTC. Invalid values give null. */
export function parseTime(value: unknown, format: TimeFormat): Date | null {
  let date: Date;
  if (format === 'iso8601') {
    if (typeof value !== 'string') return null;
    date = new Date(/(Z|[+-]\d{2}:?\d{2})$/i.test(value) ? value : `${value}Z`);
  } else {
    const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
    date = new Date(format === 'epoch_ms' ? number : number * 1000);
  }
  return Number.isNaN(date.getTime()) ? null : date;
}

function readDotted(value: unknown, path: string): unknown {
  return readPath(parseRecordPath(path), value, undefined);
}

function asRows(container: unknown, path: string): unknown[] {
  if (!Array.isArray(container)) throw new ResponseShapeError(`records.path "${path}" is not an array in the response`);
  return container;
}

function zipColumns(container: unknown, path: string): Record<string, unknown>[] {
  if (container === null || typeof container !== 'object' || Array.isArray(container)) {
    throw new ResponseShapeError(`records.path "${path}" is not an object of arrays in the response`);
  }
  const columns = Object.entries(container as Record<string, unknown>);
  const length = columns.reduce((max, [, values]) => (Array.isArray(values) ? Math.max(max, values.length) : max), 0);
  for (const [name, values] of columns) {
    if (!Array.isArray(values) || values.length !== length) {
      throw new ResponseShapeError(`records.path "${path}": column "${name}" is not an array of length ${length}`);
    }
  }
  return Array.from({ length }, (_, i) => Object.fromEntries(columns.map(([name, values]) => [name, (values as unknown[])[i]])));
}

function pick(response: unknown, fields: readonly string[]): Record<string, unknown> {
  const source = response !== null && typeof response === 'object' ? (response as Record<string, unknown>) : {};
  return Object.fromEntries(fields.map((field) => [field, source[field] ?? null]));
}
