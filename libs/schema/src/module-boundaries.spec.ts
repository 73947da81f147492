import { execFile } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

const CASES = {
  infra: `import { createKafka } from '@fluxo/kafka-client';\nexport const x = createKafka;\n`,
  'node:fs': `import * as io from 'node:fs';\nexport const x = io;\n`,
  kafkajs: `import * as io from 'kafkajs';\nexport const x = io;\n`,
  '@duckdb/node-api': `import * as io from '@duckdb/node-api';\nexport const x = io;\n`,
  own: `import { DEFAULT_TOPICS } from './events/topics';\nexport const x = DEFAULT_TOPICS;\n`,
  'unused-disable': `// eslint-disable-next-line no-console\nexport const x = 1;\n`,
} as const;

/**
 * Lints every case with ONE ESLint instance (the type-aware program is built once), as if each
 * were libs/schema/src/index.ts. ESLint's API loads the flat config with a dynamic import, which
 * jest's module system cannot run, so one child Node process does the linting.
 */
function lintAsSchemaFile(cases: Readonly<Record<string, string>>): Promise<Record<string, string[]>> {
  const script = `
    import { ESLint } from 'eslint';
    const { cases, filePath } = JSON.parse(await new Promise((resolve) => { let text = ''; process.stdin.on('data', (c) => (text += c)).on('end', () => resolve(text)); }));
    const eslint = new ESLint();
    const out = {};
    for (const [name, code] of Object.entries(cases)) {
      const [result] = await eslint.lintText(code, { filePath });
      out[name] = (result?.messages ?? []).filter((m) => m.ruleId === '@nx/enforce-module-boundaries' || m.ruleId === 'no-restricted-imports' || (m.ruleId === null && m.message.includes('Unused eslint-disable'))).map((m) => (m.ruleId === null ? 'severity ' + m.severity + ': ' + m.message : m.message));
    }
    process.stdout.write(JSON.stringify(out));
  `;
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      try {
        resolve(JSON.parse(stdout) as Record<string, string[]>);
      } catch {
        reject(error ?? new Error(`eslint printed no JSON: ${stdout}${stderr}`));
      }
    });
    child.stdin?.end(JSON.stringify({ cases, filePath: join(__dirname, 'index.ts') }));
  });
}

/**
 * Proves the architecture rules fire (docs/architecture.md): the domain library may not import
 * infrastructure libraries or I/O modules.
 *
 * Issue 9: this spec used to spawn the ESLint CLI once per case (five type-aware lint runs, 30 s
 * each under load) and timed out on a busy machine. Now one ESLint instance (in one child process)
 * lints every case once, in `beforeAll`, with a deadline generous enough for a loaded machine; the cases only read results.
 */
describe('module boundaries of libs/schema', () => {
  const messages = new Map<keyof typeof CASES, string[]>();

  beforeAll(async () => {
    const results = await lintAsSchemaFile(CASES);
    for (const name of Object.keys(CASES) as (keyof typeof CASES)[]) messages.set(name, results[name] ?? ['(not linted)']);
  }, 600_000);

  it('rejects importing an infrastructure library', () => {
    // Nx reports either the tag violation or, since kafka-client depends on schema, the cycle.
    expect(messages.get('infra')).toEqual([
      expect.stringMatching(/can only depend on libs tagged with "type:util"|Circular dependency between "schema" and "kafka-client"/),
    ]);
  });

  it.each(['node:fs', 'kafkajs', '@duckdb/node-api'] as const)('rejects the I/O import %s', (module) => {
    expect(messages.get(module)).toEqual([expect.stringContaining(module)]);
  });

  it('issue 13: fails on an eslint-disable comment that suppresses nothing (reportUnusedDisableDirectives: error, not ESLint\'s default warning)', () => {
    expect(messages.get('unused-disable')).toEqual([expect.stringContaining("severity 2: Unused eslint-disable directive (no problems were reported from 'no-console')")]);
  });

  it('accepts its own code', () => {
    expect(messages.get('own')).toEqual([]);
  });
});
