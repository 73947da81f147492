export { TestDuckDBEngine, testExtensionDirectory } from './testing/duckdb-engine';
export { openTestLakehouse, type TestLakehouse } from './testing/test-lakehouse';
