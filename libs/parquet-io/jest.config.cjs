module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'parquet-io',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
