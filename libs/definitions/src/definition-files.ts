import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BUILTIN_DEFINITIONS, DefinitionCatalog, SchemaError, type DefinitionInput, type SqlEngine } from '@fluxo/schema';

/**
 * The catalog an app runs with: the built-in definitions plus, when `dir` is given, every
 * `<dir>/sources/*.json` and `<dir>/datasets/*.json`. All problems of all files are reported
 * together (`SchemaError` INVALID_DEFINITION), each naming its file. `engine` is the SQL engine
 * that will curate them (default DuckDB): an `expr` without a form for it is one of those problems.
 */
export async function loadDefinitionCatalog(dir?: string, options: { readonly engine?: SqlEngine } = {}): Promise<DefinitionCatalog> {
  if (dir === undefined) return DefinitionCatalog.build(BUILTIN_DEFINITIONS, options);
  const problems: string[] = [];
  const [sources, datasets] = await Promise.all([readJsonFiles(join(dir, 'sources'), problems), readJsonFiles(join(dir, 'datasets'), problems)]);
  if (problems.length > 0) throw new SchemaError('INVALID_DEFINITION', `Definitions in ${dir} are invalid`, problems);
  return DefinitionCatalog.build({
    sources: [...BUILTIN_DEFINITIONS.sources, ...sources],
    datasets: [...BUILTIN_DEFINITIONS.datasets, ...datasets],
  }, options);
}

async function readJsonFiles(dir: string, problems: string[]): Promise<DefinitionInput[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.json')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const inputs: DefinitionInput[] = [];
  for (const name of names) {
    const path = join(dir, name);
    try {
      inputs.push({ origin: path, definition: JSON.parse(await readFile(path, 'utf8')) as unknown });
    } catch (error) {
      problems.push(`${path}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return inputs;
}
