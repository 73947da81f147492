import { FluxoError } from '@fluxo/schema';

/** Every way this library fails. Callers branch on the code and `retriable`, never on the message. */
export type KafkaErrorCode =
  /** Settings or options are invalid; fix the configuration. Never retriable. */
  | 'INVALID_SETTINGS'
  /** The cluster could not be reached or refused us (authentication). */
  | 'CONNECTION_FAILED'
  /** A record was not acknowledged by the broker. */
  | 'PUBLISH_FAILED'
  /** Creating, inspecting or deleting topics failed. */
  | 'TOPIC_SETUP_FAILED'
  /** The consumer could not join, fetch or commit, or it stopped because a handler failed non-retriably. */
  | 'CONSUMER_FAILED'
  /** Any other admin request (offsets, groups, cluster description). */
  | 'ADMIN_FAILED'
  /** The producer or consumer was used after `close()`. */
  | 'CLIENT_CLOSED';

/** Where a failure happened. Offsets are decimal strings: Kafka offsets are 64-bit. */
export interface KafkaErrorContext {
  readonly topic?: string;
  readonly partition?: number;
  readonly offset?: string;
  readonly groupId?: string;
}

export interface KafkaClientErrorOptions extends KafkaErrorContext {
  readonly retriable?: boolean;
  readonly cause?: unknown;
}

export class KafkaClientError extends FluxoError<KafkaErrorCode> {
  readonly topic: string | undefined;
  readonly partition: number | undefined;
  readonly offset: string | undefined;
  readonly groupId: string | undefined;

  constructor(code: KafkaErrorCode, message: string, options: KafkaClientErrorOptions = {}) {
    const { retriable, cause, ...context } = options;
    super(code, message, { retriable: retriable ?? false, cause, context: definedFields(context) });
    this.topic = context.topic;
    this.partition = context.partition;
    this.offset = context.offset;
    this.groupId = context.groupId;
  }
}

/** Names of kafkajs errors that mean "the network or the broker is unavailable right now". */
const TRANSIENT_ERROR_NAMES = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSTopicMetadataNotLoaded',
  'KafkaJSLockTimeout',
]);

/**
 * Whether retrying the same operation later can succeed. Follows the cause chain of kafkajs errors:
 * `KafkaJSNumberOfRetriesExceeded` and `KafkaJSNonRetriableError` are themselves marked
 * non-retriable, but when what they gave up on was a transient failure (a broker down, a leader
 * election) the caller may well succeed later.
 */
export function isRetriableKafkaError(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (typeof current === 'object' && current !== null && !seen.has(current)) {
    seen.add(current);
    const { name, retriable, cause } = current as { name?: unknown; retriable?: unknown; cause?: unknown };
    if (name === 'KafkaJSSASLAuthenticationError') return false;
    if (typeof name === 'string' && TRANSIENT_ERROR_NAMES.has(name)) return true;
    // kafkajs gives up (retries exceeded) or refuses to retry inside one call (non-retriable wrapper,
    // e.g. a publish while the broker is down): what it gave up on decides whether a later try can work.
    if ((name === 'KafkaJSNumberOfRetriesExceeded' || name === 'KafkaJSNonRetriableError') && cause !== undefined) {
      current = cause;
      continue;
    }
    if (typeof retriable === 'boolean') return retriable;
    current = cause;
  }
  return false;
}

/** True when the failure is about reaching the cluster (network, timeouts, authentication) rather than the request. */
export function isConnectionError(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (typeof current === 'object' && current !== null && !seen.has(current)) {
    seen.add(current);
    const { name, cause } = current as { name?: unknown; cause?: unknown };
    if (typeof name === 'string' && (TRANSIENT_ERROR_NAMES.has(name) || name === 'KafkaJSSASLAuthenticationError')) return true;
    current = cause;
  }
  return false;
}

/** True when `error` or any error in its cause chain is a Kafka protocol error of this type, e.g. `UNKNOWN_TOPIC_OR_PARTITION`. */
export function hasProtocolErrorType(error: unknown, type: string): boolean {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (typeof current === 'object' && current !== null && !seen.has(current)) {
    seen.add(current);
    if ((current as { type?: unknown }).type === type) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * Wraps whatever kafkajs threw into a `KafkaClientError` with the given code, keeping the original as `cause`
 * and deriving `retriable` from it. A `KafkaClientError` passes through unchanged.
 */
export function toKafkaClientError(code: KafkaErrorCode, message: string, cause: unknown, context: KafkaErrorContext = {}): KafkaClientError {
  if (cause instanceof KafkaClientError) return cause;
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new KafkaClientError(code, `${message}: ${detail}`, { ...context, cause, retriable: isRetriableKafkaError(cause) });
}

function definedFields(context: KafkaErrorContext): Record<string, unknown> {
  return Object.fromEntries(Object.entries(context).filter(([, value]) => value !== undefined));
}
