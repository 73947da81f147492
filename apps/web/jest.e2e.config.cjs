// Browser tests: the built pipeline apps and the replay server as processes, the real Kafka broker of
// FLUXO_TEST_KAFKA_BROKERS, `next start` on a free port, and Debian's chromium driven by playwright-core.
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'web-e2e',
  rootDir: __dirname,
  testMatch: ['<rootDir>/e2e/**/*.e2e-spec.ts'],
  testTimeout: 240000,
};
