import { type SchemaError } from '../errors';
import { loadCliConfig } from './cli-config';

describe('CLI configuration', () => {
  it('has the same defaults as the apps for what they share, and quiet logging', () => {
    const config = loadCliConfig({});
    expect(config).toMatchObject({
      lakeDir: '.fluxo/lake',
      catalog: 'sqlite:.fluxo/catalog/fluxo.sqlite',
      normalizerGroup: 'fluxo-normalizer',
      topicRawFiles: 'fluxo.raw-files',
      topicDeadLetter: 'fluxo.dead-letter',
      kafkaClientId: 'fluxo-cli',
      logLevel: 'warn',
      statusMaxLagMessages: 1000,
      statusStalenessIgnore: ['stream_gaps'],
      rawRetentionDays: 7,
    });
  });

  it('lists every invalid setting by its variable name', () => {
    let error: SchemaError | undefined;
    try {
      loadCliConfig({ FLUXO_STATUS_MAX_LAG_MS: 'soon', FLUXO_CLI_SCAN_LIMIT: '0', FLUXO_CATALOG: 'mysql:x', FLUXO_KAFKA_BROKERS: 'nohost' });
    } catch (caught) {
      error = caught as SchemaError;
    }
    expect(error?.code).toBe('INVALID_CONFIG');
    expect(error?.problems.map((p) => p.split(':')[0]).sort()).toEqual(['FLUXO_CATALOG', 'FLUXO_CLI_SCAN_LIMIT', 'FLUXO_KAFKA_BROKERS', 'FLUXO_STATUS_MAX_LAG_MS']);
  });
});
