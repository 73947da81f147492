import { execFile } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

/** Lints in-memory code as if it were libs/schema/src/index.ts, with the workspace's ESLint CLI. */
function lintAsSchemaFile(code: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      join(ROOT, 'node_modules', '.bin', 'eslint'),
      ['--stdin', '--stdin-filename', join(__dirname, 'index.ts'), '--format', 'json'],
      { cwd: ROOT },
      (error, stdout) => {
        try {
          const [result] = JSON.parse(stdout) as { messages: { ruleId: string | null; message: string }[] }[];
          resolve((result?.messages ?? []).filter((m) => m.ruleId === '@nx/enforce-module-boundaries' || m.ruleId === 'no-restricted-imports').map((m) => m.message));
        } catch {
          reject(error ?? new Error(`eslint printed no JSON: ${stdout}`));
        }
      },
    );
    child.stdin?.end(code);
  });
}

/**
 * Proves the architecture rules fire (docs/architecture.md): the domain library may not import
 * infrastructure libraries or I/O modules.
 */
describe('module boundaries of libs/schema', () => {
  it('rejects importing an infrastructure library', async () => {
    // Nx reports either the tag violation or, since kafka-client depends on schema, the cycle.
    expect(await lintAsSchemaFile(`import { createKafka } from '@fluxo/kafka-client';\nexport const x = createKafka;\n`)).toEqual([
      expect.stringMatching(/can only depend on libs tagged with "type:util"|Circular dependency between "schema" and "kafka-client"/),
    ]);
  });

  it.each(['node:fs', 'kafkajs', '@duckdb/node-api'])('rejects the I/O import %s', async (module) => {
    expect(await lintAsSchemaFile(`import * as io from '${module}';\nexport const x = io;\n`)).toEqual([expect.stringContaining(module)]);
  });

  it('accepts its own code', async () => {
    expect(await lintAsSchemaFile(`import { DEFAULT_TOPICS } from './events/topics';\nexport const x = DEFAULT_TOPICS;\n`)).toEqual([]);
  });
});
