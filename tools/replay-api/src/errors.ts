/**
 * Every error the replay server raises. Callers branch on `code`, never on message text.
 */
export type ReplayErrorCode =
  | 'INVALID_OPTIONS'
  | 'INVALID_CLI_ARGS'
  | 'INVALID_FAULT'
  | 'INVALID_REQUEST_BODY'
  | 'FIXTURE_MISSING'
  | 'FIXTURE_INVALID'
  | 'LISTEN_FAILED';

const RETRIABLE: Record<ReplayErrorCode, boolean> = {
  INVALID_OPTIONS: false,
  INVALID_CLI_ARGS: false,
  INVALID_FAULT: false,
  INVALID_REQUEST_BODY: false,
  FIXTURE_MISSING: false,
  FIXTURE_INVALID: false,
  LISTEN_FAILED: true,
};

export interface ReplayErrorContext {
  /** Every validation problem, when there are several. */
  problems?: readonly string[];
  /** The fixture file involved. */
  file?: string;
  host?: string;
  port?: number;
}

export class ReplayError extends Error {
  override readonly name = 'ReplayError';
  readonly code: ReplayErrorCode;
  readonly retriable: boolean;
  readonly problems: readonly string[];
  readonly file: string | undefined;
  readonly host: string | undefined;
  readonly port: number | undefined;

  constructor(code: ReplayErrorCode, message: string, context: ReplayErrorContext = {}, options: { cause?: unknown } = {}) {
    super(message, options);
    this.code = code;
    this.retriable = RETRIABLE[code];
    this.problems = context.problems ?? [];
    this.file = context.file;
    this.host = context.host;
    this.port = context.port;
  }
}

/** Throws one error listing every problem, or returns when there are none. */
export function throwIfProblems(code: ReplayErrorCode, what: string, problems: readonly string[]): void {
  if (problems.length > 0) {
    throw new ReplayError(code, `${what}: ${problems.join('; ')}`, { problems });
  }
}
