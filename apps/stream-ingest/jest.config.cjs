module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'stream-ingest',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
