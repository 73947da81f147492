// @ts-check
/**
 * Dead exports (issue 13): a name a module exports that no other module uses. Either nobody needs
 * it (delete it) or only its own file does (drop `export`). Types are the exception to the second
 * rule: a type its own file's exports use is part of their signatures, which callers may name. Found with the TypeScript compiler: one
 * program over the repository's sources, every export resolved to its declaration, every
 * identifier resolved to what it names; an export with no use outside its file is reported.
 * Deterministic (no timing, sorted output); `node tools/dead-exports/dead-exports.mjs` checks the
 * repository and exits 1 listing what it found.
 */
import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

/**
 * @typedef {object} DeadExport
 * @property {string} file repository-relative POSIX path of the declaring file
 * @property {number} line 1-based line of the declaration
 * @property {string} name the exported name
 * @property {boolean} usedInFile whether its own file uses it (then drop `export`; otherwise delete it)
 */

/**
 * @typedef {object} DeadExportOptions
 * @property {string} root
 * @property {readonly string[]} files absolute paths of the sources to check (and whose uses count)
 * @property {ts.CompilerOptions} compilerOptions
 * @property {(file: string) => boolean} [isPublicEntry] re-exports here do not count as uses (a library's `index.ts`)
 * @property {(file: string) => boolean} [isExempt] files whose exports are used by a framework or a runner, not by imports
 */

/** @param {DeadExportOptions} options @returns {DeadExport[]} */
export function findDeadExports({ root, files, compilerOptions, isPublicEntry = () => false, isExempt = () => false }) {
  const program = ts.createProgram({ rootNames: [...files], options: compilerOptions });
  const checker = program.getTypeChecker();
  const ours = new Set(files.map((file) => ts.sys.resolvePath(file)));
  const sources = program.getSourceFiles().filter((source) => ours.has(ts.sys.resolvePath(source.fileName)));

  /** @type {Map<ts.Symbol, { file: string, line: number, name: string, typeOnly: boolean }>} */
  const exported = new Map();
  for (const source of sources) {
    if (isExempt(source.fileName)) continue;
    const module = checker.getSymbolAtLocation(source);
    if (module === undefined) continue;
    for (const symbol of checker.getExportsOfModule(module)) {
      const target = original(checker, symbol);
      const declaration = target.declarations?.[0];
      if (declaration === undefined || declaration.getSourceFile() !== source) continue; // a re-export: its own file answers for it
      const { line } = source.getLineAndCharacterOfPosition(declaration.getStart());
      const typeOnly = (target.flags & ts.SymbolFlags.Value) === 0 || (target.flags & ts.SymbolFlags.Class) !== 0; // a class is a shape too
      exported.set(target, { file: posix(relative(root, source.fileName)), line: line + 1, name: symbol.getName(), typeOnly });
    }
  }

  /** @type {Map<ts.Symbol, Set<string>>} */
  const usedFrom = new Map();
  for (const source of sources) {
    const publicEntry = isPublicEntry(source.fileName);
    /** @param {ts.Node} node */
    const visit = (node) => {
      if (ts.isIdentifier(node) && !isDeclarationName(node) && !isImportName(node) && !(publicEntry && ts.isExportSpecifier(node.parent))) {
        const symbol = symbolUsedAt(checker, node);
        if (symbol !== undefined) {
          const target = original(checker, symbol);
          if (exported.has(target)) {
            const files = usedFrom.get(target) ?? new Set();
            files.add(source.fileName);
            usedFrom.set(target, files);
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }

  /** @type {DeadExport[]} */
  const dead = [];
  for (const [symbol, where] of exported) {
    const files = usedFrom.get(symbol) ?? new Set();
    const ownFile = join(root, where.file);
    const outside = [...files].some((file) => ts.sys.resolvePath(file) !== ts.sys.resolvePath(ownFile));
    const usedInFile = files.size > 0;
    // A type used by its own file's exports is part of their signature (callers may name it): only an unused one is dead.
    if (!outside && !(where.typeOnly && usedInFile)) dead.push({ file: where.file, line: where.line, name: where.name, usedInFile });
  }
  return dead.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.name.localeCompare(b.name));
}

/**
 * What an identifier uses: a shorthand `{ f }` uses the value `f`; `const { f } = await import('…')`
 * (a dynamic import) uses the property `f` of the module; anything else names its symbol.
 * @param {ts.TypeChecker} checker @param {ts.Identifier} node
 */
function symbolUsedAt(checker, node) {
  const parent = node.parent;
  if (ts.isShorthandPropertyAssignment(parent)) return checker.getShorthandAssignmentValueSymbol(parent);
  if (ts.isBindingElement(parent) && parent.name === node && parent.propertyName === undefined && ts.isObjectBindingPattern(parent.parent)) {
    return checker.getTypeAtLocation(parent.parent).getProperty(node.text);
  }
  return checker.getSymbolAtLocation(node);
}

/** @param {ts.TypeChecker} checker @param {ts.Symbol} symbol */
function original(checker, symbol) {
  return symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
}

/** The name in a declaration (`function f`, `const f`, `class C`…) names it; it does not use it. @param {ts.Identifier} node */
function isDeclarationName(node) {
  const parent = node.parent;
  return 'name' in parent && parent.name === node && !ts.isBindingElement(parent) && !ts.isPropertyAccessExpression(parent) && !ts.isQualifiedName(parent) && !ts.isExportSpecifier(parent) && !ts.isShorthandPropertyAssignment(parent) && !ts.isJsxAttribute(parent);
}

/** An import binds a name; only its uses count (an unused import is lint's to report). @param {ts.Identifier} node */
function isImportName(node) {
  return ts.isImportSpecifier(node.parent) || ts.isImportClause(node.parent) || ts.isNamespaceImport(node.parent) || ts.isImportEqualsDeclaration(node.parent);
}

/** @param {string} path */
function posix(path) {
  return path.split(sep).join('/');
}

/** Sources of the repository: apps, libraries, tools and the bench's TypeScript entry. @param {string} root */
export function repositorySources(root) {
  /** @type {string[]} */
  const files = [];
  const skip = /(^|\/)(node_modules|dist|\.next|\.next-dev|out-tsc|fixtures)(\/|$)/;
  for (const base of ['apps', 'libs', 'tools', 'bench']) {
    for (const entry of readdirSync(join(root, base), { recursive: true, withFileTypes: false })) {
      const path = posix(join(base, String(entry)));
      if (skip.test(path) || !/\.(ts|tsx)$/.test(path) || path.endsWith('.d.ts')) continue;
      files.push(join(root, path));
    }
  }
  return files.sort();
}

/**
 * Files whose exports something other than an import uses: specs (jest runs them), Next.js's
 * app-router files and hooks (the framework calls them), jest/nx configuration, and the bench's
 * bundle entry (plain-JS bench scripts call it).
 * @param {string} root @param {string} file
 */
export function isRepositoryExempt(root, file) {
  const path = posix(relative(root, file));
  return (
    /\.(spec|int-spec|e2e-spec|test)\.tsx?$/.test(path) ||
    /^apps\/web\/app\/(.*\/)?(page|layout|route|error|loading|not-found|global-error|template|default|opengraph-image|icon)\.tsx?$/.test(path) ||
    /^apps\/web\/(instrumentation|middleware)\.ts$/.test(path) ||
    path === 'bench/lib/fluxo-libs.ts'
  );
}

/** A library's public entries: re-exporting a name there does not use it. @param {string} root @param {string} file */
export function isRepositoryPublicEntry(root, file) {
  return /^(libs|tools)\/[^/]+\/src\/(index|testing)\.ts$/.test(posix(relative(root, file)));
}

/** @param {string} root */
export function repositoryCompilerOptions(root) {
  const { config } = ts.readConfigFile(join(root, 'tsconfig.base.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, root);
  return { ...options, noEmit: true, skipLibCheck: true, jsx: ts.JsxEmit.Preserve, lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'], types: ['node', 'jest'] };
}

async function main() {
  const root = join(import.meta.dirname, '..', '..');
  const dead = findDeadExports({
    root,
    files: repositorySources(root),
    compilerOptions: repositoryCompilerOptions(root),
    isPublicEntry: (file) => isRepositoryPublicEntry(root, file),
    isExempt: (file) => isRepositoryExempt(root, file),
  });
  for (const item of dead) console.log(`${item.file}:${item.line}  ${item.name}  ${item.usedInFile ? '(used only in its file: drop `export`)' : '(unused: delete it)'}`);
  console.log(dead.length === 0 ? 'dead exports: none' : `dead exports: ${dead.length}`);
  process.exit(dead.length === 0 ? 0 : 1);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
