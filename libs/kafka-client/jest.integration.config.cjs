// Broker tests: talk to the real Kafka at FLUXO_TEST_KAFKA_BROKERS (`npm run kafka -- start`); run with --runInBand.
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'kafka-client:integration',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.int-spec.ts'],
  testTimeout: 60000,
};
