module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'normalizer',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
