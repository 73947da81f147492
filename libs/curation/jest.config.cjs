module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'curation',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
