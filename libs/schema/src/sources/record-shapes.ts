import { createHash } from 'node:crypto';
import { parseRecordPath, readPath, type ParsedPath } from './record-path';
import type { RecordLayout, SourceDefinition, TimeFormat } from './source-definition';

/** One record of a response, with the identity the pipeline tracks it by. */
export interface ExtractedRecord {
  readonly key: string;
  readonly version: string;
  readonly eventTime: Date | null;
  /** The record's JSON text (compact). */
  readonly record: string;
  /** JSON text of the envelope fields listed in `records.context`, or null. */
  readonly context: string | null;
}

/** A record whose key could not be read: it goes to the dead letter, with why. */
export interface RejectedRecord {
  readonly record: string;
  readonly reason: string;
}

export class ResponseShapeError extends Error {
  override readonly name = 'ResponseShapeError';
}

/**
 * A source's record layout and identity, compiled once: how a row of the response becomes records
 * (array positions named, keyed members given their name, nested arrays exploded) and how each
 * record is identified (key, version with fallbacks or a content hash, event time).
 */
export interface RecordPlan {
  readonly format: 'json' | 'ndjson';
  readonly layout: RecordLayout;
  /** Steps from the response root to the records container (`[]` for `$`). */
  readonly container: readonly (string | number)[];
  readonly contextFields: readonly string[];
  /** The records a row of the container holds (`member` is a keyed member's name). */
  shape(row: unknown, member: string | number | undefined): unknown[];
  /** Identity of one shaped record, or why it has none. */
  identify(record: unknown, context: Readonly<Record<string, unknown>> | null, contextText: string | null): ExtractedRecord | RejectedRecord;
}

export function compileRecordPlan(source: SourceDefinition): RecordPlan {
  const records = source.records;
  const layout = records.layout ?? 'rows';
  const fields = records.fields;
  const keyField = records.keyField ?? 'key';
  const explode =
    records.explode === undefined
      ? undefined
      : {
          path: parseRecordPath(records.explode.path),
          carry: (records.explode.carry ?? []).map((path) => ({ path: parseRecordPath(path), name: path })),
          as: records.explode.as ?? 'parent',
        };
  const keyPaths = source.key.map(parseRecordPath);
  const versionPaths = (source.version === undefined ? [] : Array.isArray(source.version) ? source.version : [source.version]).map(parseRecordPath);
  const eventTime = source.eventTime === undefined ? undefined : { path: parseRecordPath(source.eventTime.path), format: source.eventTime.format };

  const named = (row: unknown): unknown => {
    if (fields === undefined || !Array.isArray(row)) return row;
    const record: Record<string, unknown> = {};
    fields.forEach((name, index) => (record[name] = index < row.length ? row[index] : null));
    for (let index = fields.length; index < row.length; index += 1) record[`_${index}`] = row[index];
    return record;
  };
  const keyed = (value: unknown, member: string | number | undefined): unknown =>
    isPlainObject(value) ? { [keyField]: member, ...value } : { [keyField]: member, value };
  const exploded = (record: unknown): unknown[] => {
    if (explode === undefined) return [record];
    const children = readPath(explode.path, record, undefined);
    if (!Array.isArray(children)) return [];
    const parent = Object.fromEntries(explode.carry.map(({ path, name }) => [name.replace(/[.[\]]+/g, '_').replace(/_$/, ''), readPath(path, record, undefined) ?? null]));
    return children.map((child) => (isPlainObject(child) ? { ...child, [explode.as]: parent } : { value: child, [explode.as]: parent }));
  };

  return {
    format: records.format ?? 'json',
    layout,
    container: records.path === '$' ? [] : parseRecordPath(records.path).steps,
    contextFields: records.context ?? [],
    shape(row, member) {
      const record = layout === 'keyed' ? keyed(named(row), member) : named(row);
      return exploded(record);
    },
    identify(record, context, contextText) {
      const text = JSON.stringify(record);
      const keyParts = keyPaths.map((path) => readPath(path, record, context));
      if (keyParts.some((part) => part === undefined || part === null || typeof part === 'object')) {
        return { record: text, reason: `key ${source.key.join(', ')} is missing or not a scalar` };
      }
      return {
        key: keyParts.length === 1 ? String(keyParts[0]) : JSON.stringify(keyParts),
        version: versionOf(versionPaths, record, context, text, contextText),
        eventTime: eventTime === undefined ? null : parseTime(readPath(eventTime.path, record, context), eventTime.format),
        record: text,
        context: contextText,
      };
    },
  };
}

export function isRejected(result: ExtractedRecord | RejectedRecord): result is RejectedRecord {
  return 'reason' in result;
}

/** The first non-null scalar among the version paths, else a content hash of record and context. */
function versionOf(paths: readonly ParsedPath[], record: unknown, context: unknown, recordText: string, contextText: string | null): string {
  for (const path of paths) {
    const value = readPath(path, record, context);
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

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Zips an object of equal-length arrays into rows (the `columns` layout). */
export function zipColumns(container: unknown, path: string): Record<string, unknown>[] {
  if (!isPlainObject(container)) throw new ResponseShapeError(`records.path "${path}" is not an object of arrays in the response`);
  const columns = Object.entries(container);
  const length = columns.reduce((max, [, values]) => (Array.isArray(values) ? Math.max(max, values.length) : max), 0);
  for (const [name, values] of columns) {
    if (!Array.isArray(values) || values.length !== length) {
      throw new ResponseShapeError(`records.path "${path}": column "${name}" is not an array of length ${length}`);
    }
  }
  return Array.from({ length }, (_, i) => Object.fromEntries(columns.map(([name, values]) => [name, (values as unknown[])[i]])));
}
