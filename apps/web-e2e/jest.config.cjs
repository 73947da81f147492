// Browser tests of the dashboard: the built pipeline apps as processes and the replay server in
// process (tools/e2e-harness, shared with tools/e2e), the real Kafka broker of
// FLUXO_TEST_KAFKA_BROKERS, `next start` on a free port, and Debian's chromium driven by playwright-core.
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'web-e2e',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.e2e-spec.ts'],
  testTimeout: 240000,
};
