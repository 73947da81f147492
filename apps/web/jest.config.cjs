// Unit tests of the data layer (app/lib/**): real Parquet files in temp lakes, real DuckDB, no broker.
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'web',
  rootDir: __dirname,
  testMatch: ['<rootDir>/app/**/*.spec.ts'],
  moduleNameMapper: {
    ...require('../../jest.preset.cjs').moduleNameMapper,
    '^server-only$': '<rootDir>/types/server-only-stub.cjs',
  },
};
