module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'e2e-harness',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
