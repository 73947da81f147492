/**
 * Field paths used by source definitions: `properties.mag`, `geometry.coordinates[0]`, `[0]` (a
 * position of a record that is an array, e.g. OpenSky's state vectors), and `$context.latitude`
 * for a field of the response envelope rather than of the record. The same grammar compiles to a
 * JS getter (ingest) and to a DuckDB JSON path (normalizer).
 */
export const RECORD_PATH_PATTERN = /^(\$context\.[A-Za-z_][A-Za-z0-9_]*|[A-Za-z_][A-Za-z0-9_]*|\[\d+\])(\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])*$/;
const CONTEXT_PREFIX = '$context.';

export interface ParsedPath {
  readonly from: 'record' | 'context';
  /** Property names and array indexes, in order. */
  readonly steps: readonly (string | number)[];
}

function isRecordPath(path: string): boolean {
  return RECORD_PATH_PATTERN.test(path);
}

export function parseRecordPath(path: string): ParsedPath {
  if (!isRecordPath(path)) {
    throw new RangeError(`Invalid record path ${JSON.stringify(path)}: expected e.g. "properties.mag", "coords[0]", "[0]" or "$context.latitude"`);
  }
  const from = path.startsWith(CONTEXT_PREFIX) ? 'context' : 'record';
  const body = from === 'context' ? path.slice(CONTEXT_PREFIX.length) : path;
  const steps: (string | number)[] = [];
  for (const match of body.matchAll(/([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]/g)) {
    steps.push(match[1] ?? Number(match[2]));
  }
  return { from, steps };
}

/** Reads a path from a record (and its envelope context); undefined when any step is missing. */
export function readPath(path: ParsedPath, record: unknown, context: unknown): unknown {
  let value: unknown = path.from === 'context' ? context : record;
  for (const step of path.steps) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[step];
  }
  return value;
}

/** The DuckDB JSON path (`$.geometry.coordinates[0]`) and the raw column it reads from. */
export function toJsonPath(path: ParsedPath): { readonly column: 'record' | 'context'; readonly jsonPath: string } {
  const jsonPath = path.steps.map((step) => (typeof step === 'number' ? `[${step}]` : `.${step}`)).join('');
  return { column: path.from, jsonPath: `$${jsonPath}` };
}
