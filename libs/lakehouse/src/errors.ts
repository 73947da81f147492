import { FluxoError, type FluxoErrorOptions } from '@fluxo/schema';

/**
 * Every failure the lakehouse reports. Callers branch on the code, never on message text.
 *
 * | code | retriable | meaning |
 * |---|---|---|
 * | `INVALID_ARGUMENT` | no | a caller bug (e.g. an offset that is not a 64-bit decimal) |
 * | `INVALID_CATALOG` | no | the catalog location does not parse (`sqlite:<path>` or `postgres:<libpq>`) |
 * | `ATTACH_FAILED` | yes | the catalog database could not be opened (PostgreSQL down, file locked…) |
 * | `SCHEMA_CONFLICT` | no | a definition changes a column in a way the table cannot follow (e.g. VARCHAR → INTEGER) |
 * | `COMMIT_CONFLICT` | yes | a concurrent writer kept winning; the commit was rolled back, nothing was written |
 * | `PROGRESS_MOVED` | no | another writer already committed a consumer partition past the records in hand |
 * | `QUERY_FAILED` | by cause | a catalog statement failed |
 * | `CLOSED` | no | the lakehouse was used after `close()` |
 */
export type LakehouseErrorCode = 'INVALID_ARGUMENT' | 'INVALID_CATALOG' | 'ATTACH_FAILED' | 'SCHEMA_CONFLICT' | 'COMMIT_CONFLICT' | 'PROGRESS_MOVED' | 'QUERY_FAILED' | 'CLOSED' | 'CATALOG_UNREACHABLE';

export class LakehouseError extends FluxoError<LakehouseErrorCode> {
  constructor(code: LakehouseErrorCode, message: string, options: FluxoErrorOptions = {}) {
    super(code, message, options);
  }
}

/**
 * Commit failures that a retry of the whole transaction may fix: DuckLake's optimistic concurrency
 * (another writer committed first), SQLite's single-writer lock, PostgreSQL serialization failures.
 */
export function isCommitConflict(error: unknown): boolean {
  const text = messageChain(error);
  return /conflict|database is locked|could not serialize|deadlock detected|Failed to commit DuckLake transaction/i.test(text);
}

function messageChain(error: unknown): string {
  const parts: string[] = [];
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth += 1) parts.push(current.message);
  return parts.length > 0 ? parts.join(' | ') : String(error);
}
