// End-to-end tests: the built apps as real processes, the replay server over real HTTP, and the
// real Kafka broker that `npm test` starts (FLUXO_TEST_KAFKA_BROKERS).
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'e2e',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.e2e-spec.ts'],
  testTimeout: 180000,
};
