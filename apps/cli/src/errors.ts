import { FluxoError, SchemaError, type FluxoErrorOptions } from '@fluxo/schema';
import { KafkaClientError } from '@fluxo/kafka-client';
import { ParquetIoError } from '@fluxo/parquet-io';
import { LakehouseError } from '@fluxo/lakehouse';

/**
 * Exit codes of every `fluxo` command (documented in apps/cli/README.md and `fluxo --help`).
 *
 * | code | meaning |
 * |---|---|
 * | 0 | done; for `status`: healthy; for `definitions check`: valid |
 * | 1 | the answer is "no": `status` unhealthy, `definitions check` found mistakes, `reprocess --strict` would lose rows |
 * | 2 | usage or configuration error: fix the command line or the FLUXO_* variables |
 * | 3 | a system fluxo needs is unavailable (Kafka, the catalog, DuckDB's extensions): retry later |
 * | 4 | refused: the request does not fit the data (unknown dataset, schema conflict, nothing to do where something was required) |
 * | 5 | internal error (a bug: please report it with the output of `--verbose`) |
 * | 130 | interrupted (Ctrl-C); nothing half-done is visible to readers |
 */
export const EXIT = {
  ok: 0,
  no: 1,
  usage: 2,
  unavailable: 3,
  refused: 4,
  internal: 5,
  interrupted: 130,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export type CliErrorCode =
  | 'USAGE'
  | 'INVALID_CONFIG'
  | 'UNAVAILABLE'
  | 'NOT_FOUND'
  | 'REFUSED'
  | 'INTERRUPTED'
  | 'INTERNAL';

const EXIT_OF: Readonly<Record<CliErrorCode, ExitCode>> = {
  USAGE: EXIT.usage,
  INVALID_CONFIG: EXIT.usage,
  UNAVAILABLE: EXIT.unavailable,
  NOT_FOUND: EXIT.refused,
  REFUSED: EXIT.refused,
  INTERRUPTED: EXIT.interrupted,
  INTERNAL: EXIT.internal,
};

export interface CliErrorOptions extends FluxoErrorOptions {
  /** What to do about it, one line each, printed under the message. */
  readonly hints?: readonly string[];
}

/** What a command fails with; `exitCode` follows from the code. */
export class CliError extends FluxoError<CliErrorCode> {
  readonly hints: readonly string[];

  constructor(code: CliErrorCode, message: string, options: CliErrorOptions = {}) {
    super(code, message, options);
    this.hints = options.hints ?? [];
  }

  get exitCode(): ExitCode {
    return EXIT_OF[this.code];
  }
}

/**
 * Any failure as a `CliError`: library errors are classified by their code (never their message)
 * into usage, unavailable, refused or internal, with a hint where one helps.
 */
export function toCliError(error: unknown): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof SchemaError) {
    switch (error.code) {
      case 'INVALID_CONFIG':
        return new CliError('INVALID_CONFIG', error.message, { cause: error, hints: ['See `fluxo --help` for the FLUXO_* variables and their defaults.'] });
      case 'UNKNOWN_DATASET':
      case 'UNKNOWN_SOURCE':
      case 'WRONG_SOURCE_KIND':
        return new CliError('NOT_FOUND', error.message, { cause: error });
      case 'INVALID_DEFINITION':
        return new CliError('REFUSED', error.message, { cause: error, hints: ['Check them with `fluxo definitions check <file>`.'] });
      case 'MALFORMED_JSON':
      case 'INVALID_EVENT':
      case 'UNSUPPORTED_VERSION':
      case 'INVALID_SQL_LITERAL':
        return new CliError('REFUSED', error.message, { cause: error });
    }
  }
  if (error instanceof KafkaClientError) {
    if (error.code === 'INVALID_SETTINGS') return new CliError('INVALID_CONFIG', error.message, { cause: error });
    if (error.retriable || error.code === 'CONNECTION_FAILED') {
      return new CliError('UNAVAILABLE', error.message, { cause: error, hints: ['Is the broker running? `npm run kafka -- start` starts a local one; FLUXO_KAFKA_BROKERS says where fluxo looks.'] });
    }
    return new CliError('REFUSED', error.message, { cause: error });
  }
  if (error instanceof LakehouseError) {
    switch (error.code) {
      case 'ATTACH_FAILED':
      case 'CATALOG_UNREACHABLE':
      case 'COMMIT_CONFLICT':
        return new CliError('UNAVAILABLE', error.message, { cause: error, hints: ['The catalog is busy or unreachable (FLUXO_CATALOG); try again.'] });
      case 'INVALID_CATALOG':
        return new CliError('INVALID_CONFIG', error.message, { cause: error });
      case 'SCHEMA_CONFLICT':
      case 'PROGRESS_MOVED':
      case 'INVALID_ARGUMENT':
        return new CliError('REFUSED', error.message, { cause: error });
      case 'QUERY_FAILED':
      case 'CLOSED':
        return new CliError('INTERNAL', error.message, { cause: error });
    }
  }
  if (error instanceof ParquetIoError) {
    if (error.code === 'EXTENSION_MISSING') {
      return new CliError('UNAVAILABLE', error.message, { cause: error, hints: ['Install them once: `node tools/duckdb-extensions/extensions.mjs` (FLUXO_DUCKDB_EXTENSION_DIR says where).'] });
    }
    if (error.code === 'QUERY_FAILED' && !error.retriable) return new CliError('REFUSED', error.message, { cause: error });
    if (error.retriable) return new CliError('UNAVAILABLE', error.message, { cause: error });
    return new CliError('REFUSED', error.message, { cause: error });
  }
  if (error instanceof FluxoError) return new CliError(error.retriable ? 'UNAVAILABLE' : 'REFUSED', error.message, { cause: error });
  return new CliError('INTERNAL', error instanceof Error ? error.message : String(error), { cause: error });
}
