import { FluxoError, type FluxoErrorOptions } from '@fluxo/schema';

/**
 * Every failure the Spark Connect client reports. Callers branch on the code, never on message text.
 *
 * | code | retriable | meaning |
 * |---|---|---|
 * | `INVALID_REMOTE` | no | the `sc://` connection string does not parse, or would send a token in clear text off the machine |
 * | `INVALID_ARGUMENT` | no | a caller bug (an unsupported parameter value, a malformed operation id) |
 * | `UNAVAILABLE` | yes | the server cannot be reached or the connection dropped and could not be resumed |
 * | `UNAUTHENTICATED` | no | the server wants a (different) bearer token |
 * | `PERMISSION_DENIED` | no | authenticated, but not allowed |
 * | `QUERY_FAILED` | no | Spark rejected or failed the statement; `errorClass` / `sqlState` say why (e.g. `TABLE_OR_VIEW_NOT_FOUND`, `42P01`) |
 * | `INTERRUPTED` | no | the operation was interrupted on the server (`interrupt…()`, another client, or the server) |
 * | `CANCELLED` | no | the caller's `AbortSignal` fired; the operation was interrupted and released |
 * | `DEADLINE_EXCEEDED` | yes | a gRPC deadline passed |
 * | `RESOURCE_EXHAUSTED` | no | a message over the size limit, or the server out of resources |
 * | `SESSION_LOST` | no | the server no longer has this session (released, expired, or the server restarted): connect again |
 * | `OPERATION_LOST` | no | the server no longer has the operation being resumed (released or abandoned) |
 * | `PROTOCOL` | no | the server answered something this client cannot use (row counts or offsets that do not add up) |
 * | `INTERNAL` | no | any other gRPC failure |
 * | `CLOSED` | no | the session was used after `close()` |
 */
export type SparkConnectErrorCode =
  | 'INVALID_REMOTE'
  | 'INVALID_ARGUMENT'
  | 'UNAVAILABLE'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'QUERY_FAILED'
  | 'INTERRUPTED'
  | 'CANCELLED'
  | 'DEADLINE_EXCEEDED'
  | 'RESOURCE_EXHAUSTED'
  | 'SESSION_LOST'
  | 'OPERATION_LOST'
  | 'PROTOCOL'
  | 'INTERNAL'
  | 'CLOSED';

/** What Spark says about a server-side failure (from the gRPC status's `google.rpc.ErrorInfo`). */
export interface SparkErrorDetails {
  /** gRPC status name, e.g. `INTERNAL`, `UNAVAILABLE`. */
  readonly grpcStatus?: string;
  /** Spark's error class, e.g. `TABLE_OR_VIEW_NOT_FOUND`, `DIVIDE_BY_ZERO`, `OPERATION_CANCELED`. */
  readonly errorClass?: string;
  readonly sqlState?: string;
  readonly messageParameters?: Readonly<Record<string, string>>;
  /** The JVM exception class, e.g. `org.apache.spark.sql.AnalysisException`. */
  readonly exceptionClass?: string;
  /** Server-side id of the error (for `FetchErrorDetails` and the server's logs). */
  readonly errorId?: string;
  readonly operationId?: string;
  readonly sessionId?: string;
}

export interface SparkConnectErrorOptions extends FluxoErrorOptions {
  readonly details?: SparkErrorDetails;
}

export class SparkConnectError extends FluxoError<SparkConnectErrorCode> implements SparkErrorDetails {
  readonly grpcStatus: string | undefined;
  readonly errorClass: string | undefined;
  readonly sqlState: string | undefined;
  readonly messageParameters: Readonly<Record<string, string>> | undefined;
  readonly exceptionClass: string | undefined;
  readonly errorId: string | undefined;
  readonly operationId: string | undefined;
  readonly sessionId: string | undefined;

  constructor(code: SparkConnectErrorCode, message: string, options: SparkConnectErrorOptions = {}) {
    const details = options.details ?? {};
    super(code, message, {
      retriable: options.retriable ?? DEFAULT_RETRIABLE.has(code),
      cause: options.cause,
      context: { ...definedOnly(details), ...options.context },
    });
    this.grpcStatus = details.grpcStatus;
    this.errorClass = details.errorClass;
    this.sqlState = details.sqlState;
    this.messageParameters = details.messageParameters;
    this.exceptionClass = details.exceptionClass;
    this.errorId = details.errorId;
    this.operationId = details.operationId;
    this.sessionId = details.sessionId;
  }
}

const DEFAULT_RETRIABLE = new Set<SparkConnectErrorCode>(['UNAVAILABLE', 'DEADLINE_EXCEEDED']);

function definedOnly(details: SparkErrorDetails): Record<string, unknown> {
  return Object.fromEntries(Object.entries(details).filter(([, value]) => value !== undefined));
}
