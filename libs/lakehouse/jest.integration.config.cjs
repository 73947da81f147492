// Catalog tests against the real PostgreSQL at FLUXO_TEST_POSTGRES (`npm test` starts one; by hand:
// `node tools/local-postgres/postgres.mjs start`); run with --runInBand.
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'lakehouse:integration',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.int-spec.ts'],
  testTimeout: 120000,
};
