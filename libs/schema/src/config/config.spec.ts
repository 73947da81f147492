import { SchemaError } from '../errors';
import { describeSettings, redactConfig } from './env-config';
import { INGEST_SETTINGS, loadIngestConfig } from './ingest-config';
import { loadNormalizerConfig } from './normalizer-config';
import { loadStreamIngestConfig, STREAM_INGEST_SETTINGS } from './stream-ingest-config';

function configError(load: () => unknown): SchemaError {
  try {
    load();
  } catch (error) {
    if (error instanceof SchemaError) return error;
    throw error;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('app configuration', () => {
  it('has working defaults for the embedded pipeline', () => {
    const config = loadIngestConfig({});
    expect(config.kafkaBrokers).toEqual(['127.0.0.1:9092']);
    expect(config.sources).toEqual(['usgs-earthquakes', 'open-meteo-forecast']);
    expect(config.topicRawFiles).toBe('fluxo.raw-files');
    expect(config.httpRetryLimit).toBe(4);
    expect(loadNormalizerConfig({}).groupId).toBe('fluxo-normalizer');
  });

  it('lists every invalid setting by its variable name', () => {
    const error = configError(() =>
      loadIngestConfig({
        FLUXO_KAFKA_BROKERS: 'localhost',
        FLUXO_HTTP_TIMEOUT_MS: 'fast',
        FLUXO_HTTP_RETRY_LIMIT: '99',
        FLUXO_KAFKA_SSL: 'maybe',
        FLUXO_SOURCE_BASE_URL: 'not a url',
        FLUXO_LOG_LEVEL: 'chatty',
      }),
    );
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.problems.map((p) => p.split(':')[0]).sort()).toEqual(
      ['FLUXO_HTTP_RETRY_LIMIT', 'FLUXO_HTTP_TIMEOUT_MS', 'FLUXO_KAFKA_BROKERS', 'FLUXO_KAFKA_SSL', 'FLUXO_LOG_LEVEL', 'FLUXO_SOURCE_BASE_URL'].sort(),
    );
  });

  it('never shows a secret, in errors or in logs', () => {
    const config = loadIngestConfig({ FLUXO_KAFKA_SASL_MECHANISM: 'plain', FLUXO_KAFKA_SASL_USERNAME: 'u', FLUXO_KAFKA_SASL_PASSWORD: 'hunter2' });
    expect(config.kafkaSaslPassword).toBe('hunter2');
    expect(JSON.stringify(redactConfig(config, INGEST_SETTINGS))).not.toContain('hunter2');
  });

  it('documents every setting', () => {
    const table = describeSettings(INGEST_SETTINGS);
    for (const setting of INGEST_SETTINGS) expect(table).toContain(setting.env);
  });
});

describe('stream-ingest configuration', () => {
  it('has working defaults and units in every name', () => {
    const config = loadStreamIngestConfig({});
    expect(config).toMatchObject({ streams: ['wikimedia-recentchange'], batchMaxRows: 50000, idleFlushMs: 5000, kafkaClientId: 'fluxo-stream-ingest' });
    for (const setting of STREAM_INGEST_SETTINGS.filter((s) => s.kind === 'int')) {
      expect(setting.field).toMatch(/(Ms|Bytes|Rows|Events|Partitions|Port)$/); // a port is a number without a unit
    }
  });

  it('lists every invalid setting by its variable name', () => {
    const error = configError(() => loadStreamIngestConfig({ FLUXO_BATCH_MAX_ROWS: '0', FLUXO_STALL_TIMEOUT_MS: 'soon', FLUXO_STREAMS: ' , ' }));
    expect(error.problems.map((p) => p.split(':')[0]).sort()).toEqual(['FLUXO_BATCH_MAX_ROWS', 'FLUXO_STALL_TIMEOUT_MS', 'FLUXO_STREAMS']);
  });
});
