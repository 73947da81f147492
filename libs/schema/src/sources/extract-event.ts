import { createHash } from 'node:crypto';
import type { ExtractedRecord } from './extract-records';
import { parseTime } from './extract-records';
import { parseRecordPath, readPath } from './record-path';
import type { TimeField } from './source-definition';

/** What identifies one self-contained event (a stream message, or a record fluxo writes itself). */
export interface EventIdentity {
  readonly key: readonly string[];
  readonly required?: readonly string[] | undefined;
  /** A path, or paths tried in order (the first non-null wins); else a content hash. */
  readonly version?: string | readonly string[] | undefined;
  readonly eventTime?: TimeField | undefined;
}

export type EventExtraction =
  | { readonly ok: true; readonly record: ExtractedRecord }
  | { readonly ok: false; readonly reason: 'MALFORMED_JSON' | 'NOT_AN_OBJECT' | 'MISSING_FIELD'; readonly message: string };

/**
 * Compiles an event source's paths once, then turns each message text into a raw record: the text
 * kept verbatim as `record`, `key`/`version`/`eventTime` read by path. A message that is not a JSON
 * object, or lacks its key or a `required` field, is rejected with a reason code (dead-letter it).
 */
export function createEventExtractor(identity: EventIdentity): (text: string) => EventExtraction {
  const keyPaths = identity.key.map(parseRecordPath);
  const required = (identity.required ?? []).map((path) => ({ path, parsed: parseRecordPath(path) }));
  const versionPaths = (identity.version === undefined ? [] : typeof identity.version === 'string' ? [identity.version] : identity.version).map(parseRecordPath);
  const time = identity.eventTime === undefined ? undefined : { path: parseRecordPath(identity.eventTime.path), format: identity.eventTime.format };
  return (text) => {
    let event: unknown;
    try {
      event = JSON.parse(text);
    } catch (error) {
      return { ok: false, reason: 'MALFORMED_JSON', message: `message is not JSON: ${error instanceof Error ? error.message : String(error)}` };
    }
    if (event === null || typeof event !== 'object' || Array.isArray(event)) return { ok: false, reason: 'NOT_AN_OBJECT', message: 'message is not a JSON object' };
    const keyParts = keyPaths.map((path) => readPath(path, event, undefined));
    if (keyParts.some((part) => part === undefined || part === null || part === '' || typeof part === 'object')) {
      return { ok: false, reason: 'MISSING_FIELD', message: `key ${identity.key.join(', ')} is missing or not a scalar` };
    }
    const missing = required.filter(({ parsed }) => {
      const value = readPath(parsed, event, undefined);
      return value === undefined || value === null;
    });
    if (missing.length > 0) return { ok: false, reason: 'MISSING_FIELD', message: `required field(s) missing: ${missing.map((m) => m.path).join(', ')}` };
    const versionValue = versionPaths.map((path) => readPath(path, event, undefined)).find((value) => value !== undefined && value !== null && typeof value !== 'object');
    const version =
      versionValue !== undefined && versionValue !== null && typeof versionValue !== 'object'
        ? String(versionValue)
        : createHash('sha256').update(text).update('\n').digest('hex').slice(0, 32);
    return {
      ok: true,
      record: {
        key: keyParts.length === 1 ? String(keyParts[0]) : JSON.stringify(keyParts),
        version,
        eventTime: time === undefined ? null : parseTime(readPath(time.path, event, undefined), time.format),
        record: text,
        context: null,
      },
    };
  };
}
