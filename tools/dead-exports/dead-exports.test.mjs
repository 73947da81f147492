// @ts-check
// The dead-export check on a small project written to a temp folder: it must fire on an export
// nobody uses and on one only its own file uses, and stay quiet on what another module, a
// destructured dynamic import or a library's consumers use. No timing involved.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import ts from 'typescript';
import { findDeadExports } from './dead-exports.mjs';

const files = {
  'lib/index.ts': "export { used, reexportedOnly } from './impl';\nexport type { Shape } from './impl';\n",
  'lib/impl.ts': [
    'export interface Shape { readonly a: number }',
    'export function used(shape: Shape): number { return shape.a; }',
    'export function reexportedOnly(): number { return 1; }',
    'export function unused(): number { return 2; }',
    'export const internal = 3;',
    'export function usesInternal(): number { return internal; }',
    'export type UnusedType = string;',
  ].join('\n'),
  'app/main.ts': "import { used } from '../lib/index';\nimport { usesInternal } from '../lib/impl';\nexport async function main(): Promise<number> {\n  const { lazy } = await import('./lazy');\n  return used({ a: lazy() }) + usesInternal();\n}\n",
  'app/lazy.ts': 'export function lazy(): number { return 4; }\n',
  'app/entry.ts': "export function runByFramework(): void {}\n",
};

describe('findDeadExports', () => {
  const root = mkdtempSync(join(tmpdir(), 'dead-exports-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  for (const [path, text] of Object.entries(files)) {
    const full = join(root, path);
    ts.sys.createDirectory(join(full, '..'));
    writeFileSync(full, text);
  }
  const dead = findDeadExports({
    root,
    files: Object.keys(files).map((path) => join(root, path)),
    compilerOptions: { strict: true, noEmit: true, module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, types: [] },
    isPublicEntry: (file) => file.endsWith('lib/index.ts'),
    isExempt: (file) => file.endsWith('app/entry.ts') || file.endsWith('app/main.ts'),
  });
  const found = dead.map(({ file, name, usedInFile }) => `${file} ${name} ${usedInFile ? 'internal' : 'unused'}`);

  it('reports an export nobody uses, and one only its own file uses', () => {
    assert.ok(found.includes('lib/impl.ts unused unused'), found.join('\n'));
    assert.ok(found.includes('lib/impl.ts UnusedType unused'), found.join('\n'));
    assert.ok(found.includes('lib/impl.ts internal internal'), found.join('\n'));
  });

  it("does not count a library's own re-export as a use", () => {
    assert.ok(found.includes('lib/impl.ts reexportedOnly unused'), found.join('\n'));
  });

  it('keeps what other modules use: imports, dynamic imports, types in used signatures, exempt entries', () => {
    assert.deepEqual(found.sort(), ['lib/impl.ts UnusedType unused', 'lib/impl.ts internal internal', 'lib/impl.ts reexportedOnly unused', 'lib/impl.ts unused unused']);
  });
});
