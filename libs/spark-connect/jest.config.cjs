module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'spark-connect',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
