import { describeError } from '@fluxo/schema';
import type { FluxoKafka } from './create-kafka';
import { KafkaClientError } from './errors';

export interface WaitForClusterOptions {
  /** Give up after this long. Default 120 000. */
  readonly timeoutMs?: number;
  /** Pause between attempts. Default 1000. */
  readonly intervalMs?: number;
  /** Resolves early (with an error) when aborted, e.g. on Ctrl-C during startup. */
  readonly signal?: AbortSignal;
}

/**
 * Waits until the cluster answers a metadata request: apps started together with the broker
 * (`npm start`) come up in any order. Logs once per attempt at info level while waiting.
 */
export async function waitForCluster(kafka: FluxoKafka, options: WaitForClusterOptions = {}): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  for (let attempt = 1; ; attempt += 1) {
    try {
      await kafka.describeCluster();
      return;
    } catch (error) {
      if (options.signal?.aborted === true || Date.now() >= deadline) {
        throw new KafkaClientError('CONNECTION_FAILED', `Kafka at ${kafka.brokers.join(',')} did not answer: ${describeError(error)}`, {
          cause: error,
          retriable: true,
        });
      }
      kafka.logger.info({ brokers: kafka.brokers, attempt }, 'waiting for Kafka');
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 1000));
    }
  }
}
