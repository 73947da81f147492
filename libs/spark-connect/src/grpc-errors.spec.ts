import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import descriptor from './generated/spark-connect.json';
import { SparkConnectError } from './errors';
import { toSparkConnectError } from './grpc-errors';

const root = protobuf.Root.fromJSON(descriptor as unknown as protobuf.INamespace);
const context = { operationId: 'op-1', sessionId: 'session-1', remote: 'sc://h:1/;use_ssl=false' };

/** A gRPC failure as the Spark Connect server sends it: status + google.rpc.Status with an ErrorInfo. */
function serviceError(code: status, details: string, errorInfo?: { reason: string; domain: string; metadata: Record<string, string> }): ServiceError {
  const metadata = new Metadata();
  if (errorInfo !== undefined) {
    const info = root.lookupType('google.rpc.ErrorInfo');
    const rpcStatus = root.lookupType('google.rpc.Status');
    const any = { type_url: 'type.googleapis.com/google.rpc.ErrorInfo', value: info.encode(info.fromObject(errorInfo)).finish() };
    metadata.set('grpc-status-details-bin', Buffer.from(rpcStatus.encode(rpcStatus.fromObject({ code, message: details, details: [any] })).finish()));
  }
  return Object.assign(new Error(`${code} ${status[code]}: ${details}`), { code, details, metadata });
}

const spark = (errorClass: string, extra: Record<string, string> = {}) => ({
  reason: 'org.apache.spark.sql.AnalysisException',
  domain: 'org.apache.spark',
  metadata: { errorClass, sqlState: '42P01', messageParameters: '{"relationName":"`nope`"}', errorId: 'e-1', ...extra },
});

describe('gRPC failures → SparkConnectError', () => {
  it("maps Spark's error class, SQL state and parameters to QUERY_FAILED", () => {
    const error = toSparkConnectError(serviceError(status.INTERNAL, '[TABLE_OR_VIEW_NOT_FOUND] The table or view `nope` cannot be found.', spark('TABLE_OR_VIEW_NOT_FOUND')), context);
    expect(error).toBeInstanceOf(SparkConnectError);
    expect(error).toMatchObject({
      code: 'QUERY_FAILED',
      retriable: false,
      grpcStatus: 'INTERNAL',
      errorClass: 'TABLE_OR_VIEW_NOT_FOUND',
      sqlState: '42P01',
      messageParameters: { relationName: '`nope`' },
      exceptionClass: 'org.apache.spark.sql.AnalysisException',
      errorId: 'e-1',
      operationId: 'op-1',
      sessionId: 'session-1',
    });
    expect(error.message).toBe('[TABLE_OR_VIEW_NOT_FOUND] The table or view `nope` cannot be found.');
    expect(error.toJSON()).toMatchObject({ code: 'QUERY_FAILED', context: { errorClass: 'TABLE_OR_VIEW_NOT_FOUND', sqlState: '42P01' } });
  });

  it.each([
    ['OPERATION_CANCELED', 'INTERRUPTED'],
    ['INVALID_HANDLE.SESSION_CLOSED', 'SESSION_LOST'],
    ['INVALID_HANDLE.SESSION_NOT_FOUND', 'SESSION_LOST'],
    ['INVALID_HANDLE.SESSION_CHANGED', 'SESSION_LOST'],
    ['INVALID_HANDLE.OPERATION_NOT_FOUND', 'OPERATION_LOST'],
    ['INVALID_HANDLE.OPERATION_ABANDONED', 'OPERATION_LOST'],
    ['DIVIDE_BY_ZERO', 'QUERY_FAILED'],
  ])('Spark error class %s → %s', (errorClass, code) => {
    expect(toSparkConnectError(serviceError(status.INTERNAL, 'x', spark(errorClass)), context).code).toBe(code);
  });

  it.each([
    [status.UNAVAILABLE, 'UNAVAILABLE', true],
    [status.UNAUTHENTICATED, 'UNAUTHENTICATED', false],
    [status.PERMISSION_DENIED, 'PERMISSION_DENIED', false],
    [status.CANCELLED, 'CANCELLED', false],
    [status.DEADLINE_EXCEEDED, 'DEADLINE_EXCEEDED', true],
    [status.RESOURCE_EXHAUSTED, 'RESOURCE_EXHAUSTED', false],
    [status.INVALID_ARGUMENT, 'INVALID_ARGUMENT', false],
    [status.INTERNAL, 'INTERNAL', false],
    [status.UNKNOWN, 'INTERNAL', false],
  ])('gRPC status %s without Spark details → %s (retriable %s)', (code, expected, retriable) => {
    const error = toSparkConnectError(serviceError(code, 'connection refused'), context);
    expect(error).toMatchObject({ code: expected, retriable, grpcStatus: status[code], errorClass: undefined });
    expect(error.message).toContain(context.remote);
  });

  it('ignores error details from other domains and undecodable trailers', () => {
    const foreign = serviceError(status.INTERNAL, 'proxy failure', { reason: 'X', domain: 'example.com', metadata: { errorClass: 'NOPE' } });
    expect(toSparkConnectError(foreign, context)).toMatchObject({ code: 'INTERNAL', errorClass: undefined });
    const garbage = serviceError(status.UNAVAILABLE, 'down');
    garbage.metadata.set('grpc-status-details-bin', Buffer.from([0xff, 0xff, 0xff]));
    expect(toSparkConnectError(garbage, context).code).toBe('UNAVAILABLE');
  });

  it('wraps anything else as INTERNAL and passes SparkConnectErrors through', () => {
    expect(toSparkConnectError(new TypeError('boom'), context)).toMatchObject({ code: 'INTERNAL', operationId: 'op-1' });
    const original = new SparkConnectError('CLOSED', 'closed');
    expect(toSparkConnectError(original, context)).toBe(original);
  });
});
