// Shared jest settings: TypeScript through SWC (decorators on, for class-validator in libs/schema),
// workspace path aliases from tsconfig.base.json, and ESM-only dependencies (got and its family)
// transformed to CommonJS so jest can load them.
const path = require('node:path');
const { compilerOptions } = require('./tsconfig.base.json');

const moduleNameMapper = {};
for (const [alias, [target]] of Object.entries(compilerOptions.paths)) {
  moduleNameMapper[`^${alias.replace('/', '\\/')}$`] = path.join(__dirname, target);
}

const esmOnly = [
  'got', '@sindresorhus', '@szmarczak', 'cacheable-lookup', 'cacheable-request', 'decompress-response',
  'form-data-encoder', 'lowercase-keys', 'p-cancelable', 'responselike', 'mimic-response', 'normalize-url',
  'get-stream', 'is-stream', 'keyv', '@keyv', 'type-fest', 'byte-counter', 'chunk-data', 'http-cache-semantics', '@sec-ant',
];

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j|mj)s$': [
      '@swc/jest',
      {
        jsc: {
          target: 'es2022',
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  transformIgnorePatterns: [`node_modules/(?!(${esmOnly.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  moduleNameMapper,
  testTimeout: 30000,
  reporters: ['default', path.join(__dirname, 'tools', 'scripts', 'jest-summary-reporter.cjs')],
};
