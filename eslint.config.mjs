// Workspace lint rules: type-aware TypeScript rules everywhere, plus the Nx module-boundary matrix
// (see docs/architecture.md). Projects extend this file and add nothing but their own ignores.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/dist', '**/node_modules', '**/.next', '**/.next-dev', '**/out-tsc', '**/*.cjs', '**/*.mjs', '**/next-env.d.ts'] },
  // An `eslint-disable` comment that no longer suppresses anything is an error: it hides the next real problem.
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [],
          banTransitiveDependencies: false,
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:infra', 'type:domain', 'type:util'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:infra', 'type:domain', 'type:util'] },
            // The benchmark drives the apps' in-process parts through their libraries' public entries, like an app.
            { sourceTag: 'type:bench', onlyDependOnLibsWithTags: ['type:feature', 'type:infra', 'type:domain', 'type:util'] },
            // type:e2e includes the shared harness (tools/e2e-harness) both end-to-end suites use.
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:e2e', 'type:app', 'type:tool', 'type:feature', 'type:infra', 'type:domain', 'type:util'] },
            // A feature library is one app's core composed from infra libraries (libs/curation: the normalizer's commit path).
            { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:infra', 'type:domain', 'type:util'] },
            { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:domain', 'type:util'] },
            {
              sourceTag: 'type:domain',
              onlyDependOnLibsWithTags: ['type:util'],
              bannedExternalImports: ['kafkajs', '@duckdb/*', '@dsnp/*', 'apache-arrow', 'got', 'node:fs', 'node:fs/*', 'fs', 'fs/*', 'node:child_process', 'next', 'react'],
            },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
            { sourceTag: 'scope:pipeline', onlyDependOnLibsWithTags: ['scope:pipeline', 'scope:shared'] },
            { sourceTag: 'scope:web', onlyDependOnLibsWithTags: ['scope:web', 'scope:shared'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:test', onlyDependOnLibsWithTags: ['scope:pipeline', 'scope:web', 'scope:shared', 'scope:test'] },
          ],
        },
      ],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      // `await using _lock = …` holds a resource for the scope without reading it.
      '@typescript-eslint/no-unused-vars': ['warn', { varsIgnorePattern: '^_', argsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'Decorator', message: 'Decorators (class-validator) live in libs/schema only.' }],
    },
  },
  {
    files: ['libs/schema/**/*.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // The domain library does no I/O: Node's file, process and network modules are banned too
    // (Nx's bannedExternalImports covers npm packages only).
    files: ['libs/schema/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^(node:)?(fs|fs/promises|child_process|net|http|https|dgram|worker_threads|cluster)$', message: 'libs/schema is the domain library: no I/O here.' },
          ],
        },
      ],
    },
  },
  {
    files: ['libs/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.int-spec.ts', '**/testing.ts', '**/testing/**'],
    rules: { 'no-console': 'error' },
  },
];
