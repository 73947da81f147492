import { KafkaClientError } from './errors';
import { KAFKA_SETTINGS_DEFAULTS, redactSettings, resolveKafkaSettings, type KafkaSettings } from './settings';

const valid: KafkaSettings = { brokers: ['127.0.0.1:9092'], clientId: 'fluxo-ingest' };

function problemsOf(settings: KafkaSettings): string {
  try {
    resolveKafkaSettings(settings);
  } catch (error) {
    if (error instanceof KafkaClientError) {
      expect(error.code).toBe('INVALID_SETTINGS');
      expect(error.retriable).toBe(false);
      return error.message;
    }
    throw error;
  }
  throw new Error('expected resolveKafkaSettings to throw');
}

describe('resolveKafkaSettings', () => {
  it('applies the documented defaults', () => {
    expect(resolveKafkaSettings(valid)).toEqual({
      brokers: ['127.0.0.1:9092'],
      clientId: 'fluxo-ingest',
      ssl: false,
      sasl: undefined,
      ...KAFKA_SETTINGS_DEFAULTS,
    });
  });

  it('merges a partial retry block over the defaults', () => {
    expect(resolveKafkaSettings({ ...valid, retry: { retries: 0 } }).retry).toEqual({ initialRetryTimeMs: 300, maxRetryTimeMs: 30_000, retries: 0 });
  });

  it('accepts hostnames, IPv6 literals, TLS material and SASL', () => {
    const settings: KafkaSettings = {
      brokers: ['kafka-1.example.com:9094', '[::1]:9092'],
      clientId: 'fluxo-normalizer',
      ssl: { ca: '/etc/kafka/ca.pem', rejectUnauthorized: true },
      sasl: { mechanism: 'scram-sha-512', username: 'fluxo', password: 's3cret' },
    };
    expect(resolveKafkaSettings(settings)).toMatchObject({ brokers: settings.brokers, ssl: settings.ssl, sasl: settings.sasl });
  });

  it('lists every problem at once', () => {
    const message = problemsOf({
      brokers: ['localhost', 'host:70000'],
      clientId: 'has spaces',
      connectionTimeoutMs: 0,
      requestTimeoutMs: 1.5,
      retry: { initialRetryTimeMs: 5_000, maxRetryTimeMs: 1_000, retries: -1 },
      ssl: { cert: '/tmp/cert.pem' },
      sasl: { mechanism: 'gssapi' as never, username: '', password: '' },
    });
    for (const expected of [
      'brokers[0]: "localhost" is not host:port',
      'brokers[1]: "host:70000" is not host:port',
      'clientId:',
      'connectionTimeoutMs: must be an integer >= 1',
      'requestTimeoutMs: must be an integer >= 1',
      'retry.retries: must be an integer >= 0',
      'retry.initialRetryTimeMs: must not exceed retry.maxRetryTimeMs',
      'ssl: cert and key go together',
      'sasl.mechanism: must be one of plain, scram-sha-256, scram-sha-512',
      'sasl.username: must not be empty',
      'sasl.password: must not be empty',
    ]) {
      expect(message).toContain(expected);
    }
  });

  it('rejects an empty broker list', () => {
    expect(problemsOf({ ...valid, brokers: [] })).toContain('brokers: must list at least one host:port');
  });
});

describe('redactSettings', () => {
  const pemKey = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----\n';
  const pemCert = '-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+g\n-----END CERTIFICATE-----\n';

  it('never shows the SASL password or an inline private key', () => {
    const redacted = redactSettings({
      ...valid,
      ssl: { ca: '/etc/kafka/ca.pem', cert: pemCert, key: pemKey, rejectUnauthorized: false },
      sasl: { mechanism: 'plain', username: 'fluxo', password: 'hunter2' },
    });

    const text = JSON.stringify(redacted);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('MIIEvQIBADANBg');
    expect(text).not.toContain('MIIDdzCCAl');
    expect(redacted).toEqual({
      brokers: ['127.0.0.1:9092'],
      clientId: 'fluxo-ingest',
      ssl: { ca: '/etc/kafka/ca.pem', cert: `<PEM, ${pemCert.length} chars>`, key: '[redacted]', rejectUnauthorized: false },
      sasl: { mechanism: 'plain', username: 'fluxo', password: '[redacted]' },
    });
  });

  it('keeps key file paths (they are not secret) and plain booleans', () => {
    expect(redactSettings({ ...valid, ssl: { cert: '/c.pem', key: '/k.pem' } })['ssl']).toEqual({ cert: '/c.pem', key: '/k.pem' });
    expect(redactSettings({ ...valid, ssl: true })['ssl']).toBe(true);
  });
});
