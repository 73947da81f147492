module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'replay-api',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
