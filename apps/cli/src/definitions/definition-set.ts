import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { BUILTIN_DEFINITIONS, DefinitionCatalog, SchemaError, type DefinitionInput } from '@fluxo/schema';

/** A definition file given on the command line. */
export interface GivenDefinition {
  readonly path: string;
  readonly kind: 'source' | 'dataset';
  readonly name: string | null;
  readonly definition: unknown;
}

export interface DefinitionSet {
  readonly given: readonly GivenDefinition[];
  /** Null when the definitions are invalid (see `problems`). */
  readonly catalog: DefinitionCatalog | null;
  /** One line per mistake, each naming its file and field. */
  readonly problems: readonly string[];
}

/**
 * The definitions the apps would run with if the given files were added to FLUXO_DEFINITIONS_DIR:
 * the built-ins, the folder's files (a file given on the command line replaces the folder's copy of
 * itself), the datasets next to a given source (`<dir>/sources/x.json` → `<dir>/datasets/*.json`),
 * and the given files. A file that is not JSON, or is neither a source nor a dataset, is a
 * problem like any other; every problem is listed.
 */
export async function loadDefinitionSet(files: readonly string[], definitionsDir: string | undefined, cwd: string): Promise<DefinitionSet> {
  const problems: string[] = [];
  const given: GivenDefinition[] = [];
  for (const file of files) {
    const path = resolve(cwd, file);
    let definition: unknown;
    try {
      definition = JSON.parse(await readFile(path, 'utf8'));
    } catch (error) {
      problems.push(`${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `not JSON: ${error instanceof Error ? error.message : String(error)}`}`);
      continue;
    }
    const kind = kindOf(definition);
    if (kind === null) {
      problems.push(`${file}: neither a source (with "mapping") nor a dataset (with "columns") definition`);
      continue;
    }
    const name = typeof (definition as { name?: unknown }).name === 'string' ? (definition as { name: string }).name : null;
    given.push({ path, kind, name, definition });
  }
  const skip = new Set(given.map((g) => g.path));
  const folderDir = definitionsDir === undefined ? undefined : resolve(cwd, definitionsDir);
  const folder = folderDir === undefined ? { sources: [], datasets: [] } : await readFolder(folderDir, skip, problems);
  // A source given from a definitions folder (`<dir>/sources/x.json`) brings that folder's datasets.
  for (const dir of new Set(given.filter((g) => g.kind === 'source' && basename(dirname(g.path)) === 'sources').map((g) => dirname(dirname(g.path))))) {
    if (dir === folderDir) continue;
    const datasets = (await readFolder(dir, skip, problems)).datasets.filter((input) => !folder.datasets.some((known) => known.origin === input.origin));
    folder.datasets.push(...datasets);
  }
  const inputs = (kind: 'source' | 'dataset'): DefinitionInput[] => given.filter((g) => g.kind === kind).map((g) => ({ origin: g.path, definition: g.definition }));
  let catalog: DefinitionCatalog | null = null;
  try {
    catalog = DefinitionCatalog.build({
      sources: [...BUILTIN_DEFINITIONS.sources, ...folder.sources, ...inputs('source')],
      datasets: [...BUILTIN_DEFINITIONS.datasets, ...folder.datasets, ...inputs('dataset')],
    });
  } catch (error) {
    if (!(error instanceof SchemaError)) throw error;
    problems.push(...(error.problems.length > 0 ? error.problems : [error.message]));
  }
  return { given, catalog: problems.length > 0 ? null : catalog, problems };
}

function kindOf(definition: unknown): 'source' | 'dataset' | null {
  if (definition === null || typeof definition !== 'object' || Array.isArray(definition)) return null;
  if ('columns' in definition) return 'dataset';
  if ('mapping' in definition || 'kind' in definition) return 'source';
  return null;
}

async function readFolder(dir: string, skip: ReadonlySet<string>, problems: string[]): Promise<{ sources: DefinitionInput[]; datasets: DefinitionInput[] }> {
  const read = async (sub: string): Promise<DefinitionInput[]> => {
    const names = (await readdir(join(dir, sub)).catch(() => [] as string[])).filter((name) => name.endsWith('.json')).sort();
    const inputs: DefinitionInput[] = [];
    for (const name of names) {
      const path = join(dir, sub, name);
      if (skip.has(path)) continue;
      try {
        inputs.push({ origin: path, definition: JSON.parse(await readFile(path, 'utf8')) as unknown });
      } catch (error) {
        problems.push(`${path}: not JSON: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return inputs;
  };
  return { sources: await read('sources'), datasets: await read('datasets') };
}
