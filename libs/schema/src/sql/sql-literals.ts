import { SchemaError } from '../errors';

/**
 * A DuckDB/PostgreSQL string literal: single quotes doubled. Strings are standard-conforming
 * (backslash is not an escape outside `E'…'`), so doubling quotes is the whole job. NUL is refused.
 */
export function sqlString(value: string): string {
  refuseNul(value, 'SQL string');
  return `'${value.replaceAll("'", "''")}'`;
}

/** A quoted SQL identifier: double quotes doubled. Empty names and NUL are refused. */
export function sqlIdentifier(name: string): string {
  if (name.length === 0) throw new SchemaError('INVALID_SQL_LITERAL', 'an SQL identifier must not be empty');
  refuseNul(name, 'SQL identifier');
  return `"${name.replaceAll('"', '""')}"`;
}

function refuseNul(value: string, what: string): void {
  if (value.includes('\0')) throw new SchemaError('INVALID_SQL_LITERAL', `${what} contains a NUL character`);
}
