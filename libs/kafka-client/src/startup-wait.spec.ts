import { silentLogger, type Logger } from '@fluxo/schema';
import { KafkaClientError } from './errors';
import { retryUntilReady } from './retry-until-ready';

/** A logger that keeps its warn lines. */
function recordingLogger(): Logger & { warnings: { fields: Record<string, unknown>; message: string }[] } {
  const warnings: { fields: Record<string, unknown>; message: string }[] = [];
  const logger = {
    ...silentLogger,
    warnings,
    warn: (fields: Record<string, unknown>, message: string) => void warnings.push({ fields, message }),
    child: () => logger,
  };
  return logger;
}

describe('issue 9: start-up waits for the broker and its topics with backoff instead of exiting', () => {
  it('retries a failing step (topics not listed yet) until it succeeds, logging each failure with its code', async () => {
    const logger = recordingLogger();
    let calls = 0;
    const result = await retryUntilReady(
      () => {
        calls += 1;
        if (calls <= 3) return Promise.reject(new KafkaClientError('TOPIC_SETUP_FAILED', 'Could not ensure topics fluxo.raw-files: This server does not host this topic-partition', { retriable: true }));
        return Promise.resolve('ready');
      },
      { signal: new AbortController().signal, logger, what: 'Kafka and topics', baseDelayMs: 1, maxDelayMs: 4 },
    );
    expect(result).toBe('ready');
    expect(calls).toBe(4);
    expect(logger.warnings.map((w) => [w.fields['attempt'], w.fields['code'], w.message])).toEqual([
      [1, 'TOPIC_SETUP_FAILED', 'Kafka and topics not ready; retrying'],
      [2, 'TOPIC_SETUP_FAILED', 'Kafka and topics not ready; retrying'],
      [3, 'TOPIC_SETUP_FAILED', 'Kafka and topics not ready; retrying'],
    ]);
  });

  it('backs off exponentially with full jitter, capped', async () => {
    const logger = recordingLogger();
    let calls = 0;
    await retryUntilReady(() => (++calls <= 6 ? Promise.reject(new Error('down')) : Promise.resolve()), {
      signal: new AbortController().signal,
      logger,
      what: 'Kafka',
      baseDelayMs: 1,
      maxDelayMs: 8,
      random: () => 1,
    });
    expect(logger.warnings.map((w) => w.fields['delayMs'])).toEqual([1, 2, 4, 8, 8, 8]);
  });

  it('stops waiting when the app is stopped, with a typed error carrying the last failure', async () => {
    const stopping = new AbortController();
    const error = await retryUntilReady(
      () => {
        stopping.abort();
        return Promise.reject(new Error('broker down'));
      },
      { signal: stopping.signal, logger: silentLogger, what: 'Kafka', baseDelayMs: 1 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KafkaClientError);
    expect(error).toMatchObject({ code: 'CONNECTION_FAILED', message: expect.stringContaining('broker down') });
  });
});
