// A jest reporter that leaves a small JSON summary per jest config under test-artifacts/jest/, so
// `npm test` can print one closing line over every project (`tests: N passed, N failed`).
const { mkdirSync, writeFileSync } = require('node:fs');
const { join, relative } = require('node:path');

const root = join(__dirname, '..', '..');

class SummaryReporter {
  constructor(globalConfig) {
    this.globalConfig = globalConfig;
  }

  onRunComplete(_contexts, results) {
    const config = configPath();
    const name = config === undefined ? 'jest' : relative(root, config).replace(/[\\/.]/g, '-');
    const dir = join(root, 'test-artifacts', 'jest');
    mkdirSync(dir, { recursive: true });
    const { numPassedTests, numFailedTests, numPendingTests, numTodoTests, numTotalTestSuites, numFailedTestSuites, numRuntimeErrorTestSuites } = results;
    writeFileSync(
      join(dir, `${name}.json`),
      JSON.stringify({ config, numPassedTests, numFailedTests, numPendingTests, numTodoTests, numTotalTestSuites, numFailedTestSuites, numRuntimeErrorTestSuites }, null, 2),
    );
  }
}

function configPath() {
  const args = process.argv;
  const index = args.findIndex((arg) => arg === '-c' || arg === '--config');
  if (index >= 0) return join(process.cwd(), args[index + 1]);
  const inline = args.find((arg) => arg.startsWith('--config='));
  return inline === undefined ? undefined : join(process.cwd(), inline.slice('--config='.length));
}

module.exports = SummaryReporter;
