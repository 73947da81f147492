// DuckLake-on-PostgreSQL tests: talk to the real PostgreSQL at FLUXO_TEST_POSTGRES (`node tools/local-postgres/postgres.mjs start`
// prints one; `npm test` starts its own); run with --runInBand.
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'local-postgres:integration',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.int-spec.ts'],
  testTimeout: 120000,
};
