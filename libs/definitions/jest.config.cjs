module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'definitions',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
