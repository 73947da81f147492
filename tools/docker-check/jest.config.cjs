module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'docker-check',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
