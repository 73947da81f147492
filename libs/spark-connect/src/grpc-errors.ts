import { Metadata, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { SparkConnectError, type SparkConnectErrorCode, type SparkErrorDetails } from './errors';
import { decodeErrorInfo } from './wire';

const SPARK_DOMAIN = 'org.apache.spark';

/** Where a failed call happened, for the error's fields and message. */
export interface CallContext {
  readonly operationId?: string;
  readonly sessionId?: string;
  /** Redacted remote, e.g. `sc://host:15002/;token=***;use_ssl=true`. */
  readonly remote: string;
}

function isServiceError(error: unknown): error is ServiceError {
  return error instanceof Error && typeof (error as Partial<ServiceError>).code === 'number' && (error as Partial<ServiceError>).metadata instanceof Metadata;
}

/**
 * Maps a gRPC failure to a `SparkConnectError`: Spark's own error class first (from the status's
 * `ErrorInfo`: `OPERATION_CANCELED` → `INTERRUPTED`, `INVALID_HANDLE.SESSION_*` → `SESSION_LOST`, …,
 * anything else from Spark → `QUERY_FAILED`), then the gRPC status code. Anything that is not a
 * gRPC error becomes `INTERNAL`. An existing `SparkConnectError` is returned as is.
 */
export function toSparkConnectError(error: unknown, context: CallContext): SparkConnectError {
  if (error instanceof SparkConnectError) return error;
  if (!isServiceError(error)) {
    return new SparkConnectError('INTERNAL', `Spark Connect call failed at ${context.remote}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
      details: { operationId: context.operationId, sessionId: context.sessionId },
    });
  }
  const grpcStatus = GrpcStatus[error.code] ?? String(error.code);
  const [statusDetails] = error.metadata.get('grpc-status-details-bin');
  const info = Buffer.isBuffer(statusDetails) ? decodeErrorInfo(statusDetails) : undefined;
  const fromSpark = info?.domain === SPARK_DOMAIN;
  const errorClass = fromSpark ? info.metadata['errorClass'] : undefined;
  const details: SparkErrorDetails = {
    grpcStatus,
    errorClass,
    sqlState: fromSpark ? info.metadata['sqlState'] : undefined,
    messageParameters: fromSpark ? parseParameters(info.metadata['messageParameters']) : undefined,
    exceptionClass: fromSpark ? info.reason : undefined,
    errorId: fromSpark ? info.metadata['errorId'] : undefined,
    operationId: context.operationId,
    sessionId: context.sessionId,
  };
  const code = fromSpark ? codeForSparkError(errorClass) : codeForStatus(error.code);
  const detail = error.details.trim() === '' ? grpcStatus : error.details.trim();
  const message = code === 'QUERY_FAILED' || code === 'INTERRUPTED' ? detail : `${detail} (gRPC ${grpcStatus} from ${context.remote})`;
  return new SparkConnectError(code, message, { cause: error, details });
}

function codeForSparkError(errorClass: string | undefined): SparkConnectErrorCode {
  if (errorClass === undefined) return 'QUERY_FAILED';
  if (errorClass === 'OPERATION_CANCELED') return 'INTERRUPTED';
  if (/^INVALID_HANDLE\.SESSION_/.test(errorClass)) return 'SESSION_LOST';
  if (/^INVALID_HANDLE\.OPERATION_(NOT_FOUND|ABANDONED)$/.test(errorClass)) return 'OPERATION_LOST';
  return 'QUERY_FAILED';
}

function codeForStatus(code: number): SparkConnectErrorCode {
  switch (code) {
    case GrpcStatus.UNAVAILABLE:
      return 'UNAVAILABLE';
    case GrpcStatus.UNAUTHENTICATED:
      return 'UNAUTHENTICATED';
    case GrpcStatus.PERMISSION_DENIED:
      return 'PERMISSION_DENIED';
    case GrpcStatus.CANCELLED:
      return 'CANCELLED';
    case GrpcStatus.DEADLINE_EXCEEDED:
      return 'DEADLINE_EXCEEDED';
    case GrpcStatus.RESOURCE_EXHAUSTED:
      return 'RESOURCE_EXHAUSTED';
    case GrpcStatus.INVALID_ARGUMENT:
      return 'INVALID_ARGUMENT';
    default:
      return 'INTERNAL';
  }
}

function parseParameters(text: string | undefined): Record<string, string> | undefined {
  if (text === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    return Object.fromEntries(Object.entries(parsed).map(([key, value]) => [key, String(value)]));
  } catch {
    return undefined;
  }
}
