module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'kafka-client',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
