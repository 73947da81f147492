/**
 * Validates fault specs from untrusted input (admin API, CLI, library callers) and fills defaults.
 */
import { ReplayError, throwIfProblems } from './errors';
import { FAULT_KINDS, type FaultKind, type FaultSpec } from './types';

/** Numeric parameters each kind accepts, with their default and minimum. */
const NUMERIC_PARAMS: Record<FaultKind, Record<string, { default?: number; min: number }>> = {
  'status-429': { retryAfterS: { default: 1, min: 0 } },
  'status-500': {},
  'status-503': { retryAfterS: { min: 0 } },
  slow: { delayMs: { default: 1000, min: 0 } },
  truncate: {},
  malformed: {},
  reset: {},
  'sse-drop-after': { events: { default: 1, min: 0 } },
  'sse-stall': { afterEvents: { default: 1, min: 0 }, ms: { default: 5000, min: 0 } },
  'sse-garbage': { afterEvents: { default: 1, min: 0 }, bytes: { default: 1024 * 1024, min: 1 } },
  'sse-refuse-resume': { skipEvents: { default: 25, min: 0 } },
};

const STRING_PARAMS: Partial<Record<FaultKind, Record<string, { default: string; allowed: readonly string[] }>>> = {
  'sse-garbage': { variant: { default: 'non-json', allowed: ['non-json', 'oversized'] } },
};

/** Kinds the router plays for any endpoint, before the endpoint runs. */
export const GENERIC_KINDS: ReadonlySet<FaultKind> = new Set(['status-429', 'status-500', 'status-503', 'slow', 'reset']);
/** Kinds that only make sense on the SSE endpoint, or only on endpoints with a JSON body. */
export const SSE_ONLY_KINDS: ReadonlySet<FaultKind> = new Set(['sse-drop-after', 'sse-stall', 'sse-garbage', 'sse-refuse-resume']);
export const BODY_ONLY_KINDS: ReadonlySet<FaultKind> = new Set(['truncate', 'malformed']);

function isFaultKind(value: unknown): value is FaultKind {
  return typeof value === 'string' && (FAULT_KINDS as readonly string[]).includes(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Returns a complete `FaultSpec` (defaults filled in) or throws `ReplayError('INVALID_FAULT')`
 * listing every problem found.
 */
export function parseFaultSpec(input: unknown): FaultSpec & { count: number } {
  const problems: string[] = [];
  if (!isRecord(input)) {
    throw new ReplayError('INVALID_FAULT', 'invalid fault: expected a JSON object', { problems: ['expected a JSON object'] });
  }
  const { kind, path, count } = input;
  if (!isFaultKind(kind)) problems.push(`kind must be one of ${FAULT_KINDS.join(', ')} (got ${JSON.stringify(kind)})`);
  if (typeof path !== 'string' || !path.startsWith('/')) problems.push('path must be a path prefix starting with "/"');
  if (count !== undefined && !(Number.isInteger(count) && typeof count === 'number' && count >= 1)) {
    problems.push('count must be an integer >= 1');
  }
  const result: Record<string, unknown> = { kind, path, count: count ?? 1 };
  if (isFaultKind(kind)) {
    const numeric = NUMERIC_PARAMS[kind];
    const strings = STRING_PARAMS[kind] ?? {};
    for (const key of Object.keys(input)) {
      if (key !== 'kind' && key !== 'path' && key !== 'count' && !(key in numeric) && !(key in strings)) {
        const accepted = [...Object.keys(numeric), ...Object.keys(strings)];
        problems.push(`${kind} does not take "${key}"${accepted.length > 0 ? ` (it takes ${accepted.join(', ')})` : ''}`);
      }
    }
    for (const [key, rule] of Object.entries(numeric)) {
      const value = input[key];
      if (value === undefined) {
        if (rule.default !== undefined) result[key] = rule.default;
      } else if (typeof value !== 'number' || !Number.isInteger(value) || value < rule.min) {
        problems.push(`${key} must be an integer >= ${rule.min}`);
      } else {
        result[key] = value;
      }
    }
    for (const [key, rule] of Object.entries(strings)) {
      const value = input[key];
      if (value === undefined) result[key] = rule.default;
      else if (typeof value !== 'string' || !rule.allowed.includes(value)) problems.push(`${key} must be one of ${rule.allowed.join(', ')}`);
      else result[key] = value;
    }
  }
  throwIfProblems('INVALID_FAULT', 'invalid fault', problems);
  // Every field was checked above against the rules of its kind.
  return result as unknown as FaultSpec & { count: number };
}
