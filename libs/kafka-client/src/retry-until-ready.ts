import { setTimeout as sleep } from 'node:timers/promises';
import { describeError, type Logger } from '@fluxo/schema';
import { KafkaClientError } from './errors';

export interface RetryUntilReadyOptions {
  /** Stops waiting (rejecting with the last error) when aborted, e.g. on SIGTERM during start-up. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
  /** What is awaited, for the log line (`Kafka and topics fluxo.raw-files, fluxo.dead-letter`). */
  readonly what: string;
  /** First delay; doubles per failed attempt up to `maxDelayMs`, with full jitter. Default 500. */
  readonly baseDelayMs?: number;
  /** Default 30 000. */
  readonly maxDelayMs?: number;
  readonly random?: () => number;
}

/**
 * Runs a start-up step (reach the broker, ensure topics, connect the producer) until it succeeds,
 * with exponential backoff and full jitter, logging each failure — instead of exiting when the
 * app starts while the broker is (re)starting and does not list its topics yet. Only the signal
 * ends the wait: configuration errors are caught before, by configuration validation.
 */
export async function retryUntilReady<T>(step: () => Promise<T>, options: RetryUntilReadyOptions): Promise<T> {
  const baseDelayMs = options.baseDelayMs ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await step();
    } catch (error) {
      if (options.signal.aborted) throw stopped(options.what, error);
      const delayMs = Math.round(random() * Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(attempt - 1, 30)));
      const code = error instanceof KafkaClientError ? error.code : undefined;
      options.logger.warn({ attempt, delayMs, code, err: describeError(error) }, `${options.what} not ready; retrying`);
      await sleep(delayMs, undefined, { signal: options.signal }).catch(() => undefined);
      if (options.signal.aborted) throw stopped(options.what, error);
    }
  }
}

function stopped(what: string, cause: unknown): KafkaClientError {
  return new KafkaClientError('CONNECTION_FAILED', `Stopped while waiting for ${what}: ${describeError(cause)}`, { cause, retriable: true });
}
