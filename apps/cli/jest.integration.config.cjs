// Commands against the real servers `npm test` starts in its second phase (the S3 server at
// FLUXO_TEST_S3_*; by hand: `node tools/local-s3/s3.mjs start --bucket fluxo-test`); run with --runInBand.
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'cli:integration',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.int-spec.ts'],
  testTimeout: 120000,
};
