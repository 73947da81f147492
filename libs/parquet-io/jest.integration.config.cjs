// Slow interop tests: a real Spark (PySpark local mode, one JVM per file) from FLUXO_PYTHON
// (`node tools/scripts/ensure-python.mjs` installs it) reads our files; run with --runInBand.
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'parquet-io:integration',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.int-spec.ts'],
  testTimeout: 120000,
};
