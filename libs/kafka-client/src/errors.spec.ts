import { KafkaJSConnectionError, KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError, KafkaJSSASLAuthenticationError } from 'kafkajs';
import { FluxoError } from '@fluxo/schema';
import { KafkaClientError, hasProtocolErrorType, isRetriableKafkaError, toKafkaClientError } from './errors';

// kafkajs builds protocol errors from a decoded broker error code.
const protocolError = (type: string, retriable: boolean) => new KafkaJSProtocolError({ type, code: 0, retriable, message: `${type} from broker` } as never);

// kafkajs's typings declare no constructor arguments for this one; at runtime it takes a message.
const saslError = (message: string) => new (KafkaJSSASLAuthenticationError as unknown as new (message: string) => Error)(message);

// What kafkajs's retrier throws when an error stops its retries inside one call: the error as message and cause.
const nonRetriableAround = (cause: Error) => new (KafkaJSNonRetriableError as unknown as new (e: Error, options: { cause: Error }) => Error)(cause, { cause });

describe('KafkaClientError', () => {
  it('is a FluxoError with its context as fields and in toJSON', () => {
    const error = new KafkaClientError('PUBLISH_FAILED', 'no ack', { topic: 'fluxo.raw-files', partition: 2, offset: '41', retriable: true });

    expect(error).toBeInstanceOf(FluxoError);
    expect(error).toMatchObject({ name: 'KafkaClientError', code: 'PUBLISH_FAILED', retriable: true, topic: 'fluxo.raw-files', partition: 2, offset: '41' });
    expect(error.toJSON()).toMatchObject({ context: { topic: 'fluxo.raw-files', partition: 2, offset: '41' } });
  });

  it('is not retriable unless told', () => {
    expect(new KafkaClientError('INVALID_SETTINGS', 'bad').retriable).toBe(false);
  });
});

describe('isRetriableKafkaError', () => {
  it.each([
    ['a connection error', new KafkaJSConnectionError('Connection refused'), true],
    ['a retriable protocol error', protocolError('NOT_COORDINATOR', true), true],
    ['a non-retriable protocol error', protocolError('TOPIC_AUTHORIZATION_FAILED', false), false],
    ['a non-retriable kafkajs error', new KafkaJSNonRetriableError('invalid'), false],
    // issue 9 (found by the chaos soak): a publish while the broker is down — the normalizer stopped on it
    ['kafkajs refusing to retry a connection error (publish with the broker down)', nonRetriableAround(new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9092')), true],
    ['kafkajs refusing to retry a permanent protocol error', nonRetriableAround(protocolError('INVALID_RECORD', false)), false],
    ['retries exhausted on a transient failure', new KafkaJSNumberOfRetriesExceeded(new KafkaJSConnectionError('down'), { retryCount: 5, retryTime: 100 }), true],
    ['retries exhausted on a permanent failure', new KafkaJSNumberOfRetriesExceeded(protocolError('INVALID_TOPIC_EXCEPTION', false), { retryCount: 5, retryTime: 100 }), false],
    ['a failed SASL authentication', saslError('bad password'), false],
    ['a plain Error', new Error('boom'), false],
    ['a string', 'boom', false],
  ])('%s → %p', (_label, error, expected) => {
    expect(isRetriableKafkaError(error)).toBe(expected);
  });
});

describe('toKafkaClientError', () => {
  it('keeps the cause, derives retriable from it and carries the context', () => {
    const cause = new KafkaJSConnectionError('Connection refused');
    const error = toKafkaClientError('PUBLISH_FAILED', 'Could not publish to t', cause, { topic: 't' });

    expect(error).toMatchObject({ code: 'PUBLISH_FAILED', retriable: true, topic: 't', message: 'Could not publish to t: Connection refused' });
    expect(error.cause).toBe(cause);
  });

  it('passes a KafkaClientError through unchanged', () => {
    const original = new KafkaClientError('CLIENT_CLOSED', 'closed');
    expect(toKafkaClientError('PUBLISH_FAILED', 'x', original)).toBe(original);
  });
});

describe('hasProtocolErrorType', () => {
  it('finds the type anywhere in the cause chain', () => {
    const wrapped = toKafkaClientError(
      'PUBLISH_FAILED',
      'x',
      new KafkaJSNumberOfRetriesExceeded(protocolError('UNKNOWN_TOPIC_OR_PARTITION', true), { retryCount: 1, retryTime: 1 }),
    );
    expect(hasProtocolErrorType(wrapped, 'UNKNOWN_TOPIC_OR_PARTITION')).toBe(true);
    expect(hasProtocolErrorType(wrapped, 'NOT_COORDINATOR')).toBe(false);
  });
});
