import { SparkConnectError } from './errors';
import type { Expression, ExpressionLiteral, SqlRelation } from './protocol';

/**
 * A value bound to a SQL parameter — `:name` with an object, `?` with an array — sent as a typed
 * literal, never spliced into the SQL text. Mapping: string → STRING; boolean → BOOLEAN; an integer
 * number in 32 bits → INT, other safe integers → BIGINT, other numbers → DOUBLE; bigint → BIGINT;
 * Date → TIMESTAMP (microseconds, UTC instant); Uint8Array → BINARY; null → NULL.
 */
export type SqlValue = string | number | bigint | boolean | Date | Uint8Array | null;

export type SqlParameters = readonly SqlValue[] | Readonly<Record<string, SqlValue>>;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

export function sqlRelation(query: string, parameters: SqlParameters | undefined): SqlRelation {
  if (parameters === undefined) return { query };
  if (isPositional(parameters)) return { query, pos_arguments: parameters.map((value, index) => expression(value, `parameter ${index + 1}`)) };
  const named: Record<string, Expression> = {};
  for (const [name, value] of Object.entries(parameters)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new SparkConnectError('INVALID_ARGUMENT', `SQL parameter name ${JSON.stringify(name)} is not an identifier`);
    named[name] = expression(value, `parameter :${name}`);
  }
  return { query, named_arguments: named };
}

function isPositional(parameters: SqlParameters): parameters is readonly SqlValue[] {
  return Array.isArray(parameters);
}

function expression(value: SqlValue, label: string): Expression {
  return { literal: literal(value, label) };
}

export function literal(value: SqlValue, label = 'value'): ExpressionLiteral {
  if (value === null) return { null: { null: {} } };
  if (typeof value === 'string') return { string: value };
  if (typeof value === 'boolean') return { boolean: value };
  if (typeof value === 'bigint') {
    if (value < INT64_MIN || value > INT64_MAX) throw new SparkConnectError('INVALID_ARGUMENT', `${label} (${value}) does not fit a BIGINT`);
    return { long: value.toString() };
  }
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31) return { integer: value };
    if (Number.isSafeInteger(value)) return { long: String(value) };
    if (!Number.isFinite(value)) throw new SparkConnectError('INVALID_ARGUMENT', `${label} is ${value}; bind NaN or infinities through SQL (e.g. double('NaN'))`);
    return { double: value };
  }
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw new SparkConnectError('INVALID_ARGUMENT', `${label} is an invalid Date`);
    return { timestamp: (BigInt(ms) * 1000n).toString() };
  }
  if (value instanceof Uint8Array) return { binary: value };
  throw new SparkConnectError('INVALID_ARGUMENT', `${label} has an unsupported type (${describe(value)})`);
}

function describe(value: unknown): string {
  return typeof value === 'object' && value !== null ? (value.constructor?.name ?? 'object') : typeof value;
}
