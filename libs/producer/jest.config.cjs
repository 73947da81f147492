module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'producer',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
