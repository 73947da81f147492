// Tests against real engines beyond the embedded DuckDB: a Spark Connect server at
// FLUXO_TEST_SPARK_REMOTE (`npm test` starts one; by hand: `npm run spark -- start`, then export the
// sc:// address it prints); run with --runInBand.
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'curation:integration',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.int-spec.ts'],
  testTimeout: 300000,
};
