import { FluxoError, type FluxoErrorOptions } from './fluxo-error';

export type SchemaErrorCode =
  | 'MALFORMED_JSON'
  | 'INVALID_EVENT'
  | 'UNSUPPORTED_VERSION'
  | 'INVALID_DEFINITION'
  | 'UNKNOWN_SOURCE'
  | 'WRONG_SOURCE_KIND'
  | 'UNKNOWN_DATASET'
  | 'INVALID_CONFIG'
  | 'INVALID_SQL_LITERAL';

/** Raised when input does not match a fluxo contract. Never retriable: the same input fails again. */
export class SchemaError extends FluxoError<SchemaErrorCode> {
  /** Every violation found, one line each (`field: problem`). */
  readonly problems: readonly string[];

  constructor(code: SchemaErrorCode, message: string, problems: readonly string[] = [], options: FluxoErrorOptions = {}) {
    super(code, problems.length > 0 ? `${message}:\n  - ${problems.join('\n  - ')}` : message, {
      ...options,
      retriable: false,
    });
    this.problems = problems;
  }
}
