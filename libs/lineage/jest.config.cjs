module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'lineage',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
