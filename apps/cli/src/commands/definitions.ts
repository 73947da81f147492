import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { AnySourceDefinition, DefinitionCatalog } from '@fluxo/schema';
import type { PlainValue } from '@fluxo/parquet-io';
import type { CommandSpec } from '../args/command-spec';
import { OptionReader } from '../args/values';
import type { CliContext } from '../context';
import { CliError, EXIT } from '../errors';
import { loadDefinitionSet, type DefinitionSet } from '../definitions/definition-set';
import { checkMappingSql, ResponseMismatch, tryDefinition } from '../definitions/try-definition';
import { formatCount, truncate } from '../output/format';
import { renderTable } from '../output/table';

export const definitionsCheckCommand: CommandSpec = {
  name: 'definitions check',
  summary: 'Validate source and dataset definition files: one message per mistake',
  usage: ['definitions check <file>... [--json]'],
  positionals: { min: 1, max: 1_000 },
  options: { json: { type: 'boolean', description: 'Print { valid, problems } as JSON' } },
  details: [
    'Checks the files together with the built-in definitions and those of FLUXO_DEFINITIONS_DIR (a given file replaces its own copy there), exactly as the apps load them at start: every field, the cross-checks (mapped columns exist, required columns are mapped, URL placeholders have defaults, timestamps have a format, SQL expressions are single safe expressions), and then each mapped column\'s SQL bound by DuckDB against the raw schema (a misspelt function shows here, not at 3 a.m. in the normalizer).',
    'Exit 0 when valid, 1 when there are mistakes (each printed on its own line, naming the file and field).',
  ],
  examples: [
    ['definitions check my-definitions/sources/github-events.json my-definitions/datasets/github_events.json', 'a new source and its dataset'],
    ['definitions check libs/schema/definitions/sources/*.json', 'the built-ins'],
  ],
  run: async (context, args) => {
    const options = new OptionReader('definitions check', args, context.now);
    options.done();
    const set = await loadDefinitionSet(args.positionals, context.config.definitionsDir, context.io.cwd);
    const problems = [...set.problems, ...(set.catalog === null ? [] : await sqlProblems(context, set))];
    if (options.flag('json')) context.print(JSON.stringify({ valid: problems.length === 0, files: set.given.map((g) => ({ path: g.path, kind: g.kind, name: g.name })), problems }, null, 2));
    else if (problems.length === 0) context.print(`✓ ${set.given.map((g) => `${g.kind} ${g.name ?? '?'}`).join(', ')}: valid`);
    else {
      context.print(`✗ ${problems.length} mistake${problems.length === 1 ? '' : 's'}:`);
      for (const problem of problems) context.print(`  - ${problem}`);
    }
    return problems.length === 0 ? EXIT.ok : EXIT.no;
  },
};

export const definitionsTryCommand: CommandSpec = {
  name: 'definitions try',
  summary: 'Show the rows a definition would curate from a saved response (real extraction + mapping, in memory)',
  usage: ['definitions try <file>... --response saved.json [--source NAME] [--limit N] [--json]'],
  positionals: { min: 1, max: 1_000 },
  options: {
    response: { type: 'string', value: 'FILE', description: 'A saved response of the source (poll: its JSON body; stream: one event per line, or a JSON array)' },
    source: { type: 'string', value: 'NAME', description: 'Which source to try, when the files hold several' },
    limit: { type: 'string', value: 'N', description: 'Show at most N rows (default 20)' },
    json: { type: 'boolean', description: 'Print the result (every row) as JSON' },
  },
  details: [
    'Runs what the pipeline runs: the producer\'s record extraction (key, version, event time, rejected records), then the normalizer\'s mapping SQL in an in-memory DuckDB — casts, required columns, duplicate (key, version) pairs — and shows the curated rows, the rows the normalizer would quarantine, and per column how many rows are NULL (a wrong path shows as a column that is NULL everywhere). Nothing is read from or written to the lake, Kafka or the catalog.',
    'Exit 0 when it ran, 1 when the definitions are invalid or the response does not fit the source (the problems are printed), 2 without --response.',
  ],
  examples: [
    ['definitions try docs/examples/github-events/sources/github-events.json docs/examples/github-events/datasets/github_events.json --response docs/examples/github-events/sample-response.json', 'the documented example'],
    ['definitions try libs/schema/definitions/sources/usgs-earthquakes.json --response all_day.json --limit 5', 'a built-in against a response saved with curl'],
  ],
  run: async (context, args) => {
    const options = new OptionReader('definitions try', args, context.now);
    const responsePath = options.string('response');
    if (responsePath === undefined) options.problem('--response is required: a saved response of the source (curl -o saved.json <url>)');
    const limit = options.integer('limit', { min: 1 }) ?? 20;
    options.done();
    const set = await loadDefinitionSet(args.positionals, context.config.definitionsDir, context.io.cwd);
    const problems = [...set.problems, ...(set.catalog === null ? [] : await sqlProblems(context, set))];
    if (problems.length > 0 || set.catalog === null) {
      context.print(`✗ the definitions are invalid (${problems.length} mistake${problems.length === 1 ? '' : 's'}):`);
      for (const problem of problems) context.print(`  - ${problem}`);
      return EXIT.no;
    }
    const source = chooseSource(set, set.catalog, options.string('source'));
    let text: string;
    try {
      text = await readFile(resolve(context.io.cwd, responsePath ?? ''), 'utf8');
    } catch (error) {
      throw new CliError('USAGE', `--response ${responsePath ?? ''}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error)}`);
    }
    const engine = await context.localEngine();
    let result;
    try {
      result = await context.progress.step('extracting and mapping', () => tryDefinition(engine, source, set.catalog?.dataset(source.dataset) ?? fail(), text, new Date(context.now)));
    } catch (error) {
      if (!(error instanceof ResponseMismatch)) throw error;
      context.print(`✗ ${source.name}: ${error.message}`);
      return EXIT.no;
    }
    if (options.flag('json')) {
      context.print(JSON.stringify(result, null, 2));
      return EXIT.ok;
    }
    const columns = Object.keys(result.rows[0] ?? Object.fromEntries([...Object.keys(result.nullsByColumn), '_record_key', '_record_version'].map((name) => [name, null])));
    context.print(`${source.name} → ${result.dataset}: ${formatCount(result.records)} record(s) extracted, ${formatCount(result.rows.length)} row(s) curated`);
    if (result.rows.length > 0) {
      context.print(
        renderTable(
          columns,
          result.rows.slice(0, limit).map((row) => columns.map((name) => show(row[name] ?? null))),
          context.width === undefined ? {} : { width: context.width },
        ),
      );
      if (result.rows.length > limit) context.print(`  … ${formatCount(result.rows.length - limit)} more (--limit, or --json for all)`);
    }
    const notes: string[] = [];
    if (result.duplicates > 0) notes.push(`${formatCount(result.duplicates)} duplicate (key, version) record(s) dropped`);
    for (const rejected of result.rejectedAtIngest.slice(0, 5)) notes.push(`rejected at ingest (RECORD_REJECTED): ${rejected.reason}: ${truncate(rejected.record, 80)}`);
    if (result.rejectedAtIngest.length > 5) notes.push(`… ${formatCount(result.rejectedAtIngest.length - 5)} more rejected at ingest`);
    for (const [missing, n] of Object.entries(result.rejectedRows)) notes.push(`${formatCount(n)} row(s) would be quarantined (ROWS_REJECTED): missing ${missing}`);
    const total = result.rows.length + Object.values(result.rejectedRows).reduce((a, b) => a + b, 0);
    for (const [column, nulls] of Object.entries(result.nullsByColumn)) if (total > 0 && nulls === total) notes.push(`column ${column} is NULL in every row: check its path or expr`);
    for (const note of notes) context.print(`  ! ${note}`);
    return EXIT.ok;
  },
};

async function sqlProblems(context: CliContext, set: DefinitionSet): Promise<string[]> {
  const catalog = set.catalog;
  if (catalog === null) return [];
  const engine = await context.localEngine();
  const problems: string[] = [];
  const sources = new Set(set.given.filter((g) => g.kind === 'source' && g.name !== null).map((g) => g.name ?? ''));
  // A given dataset is checked through every source that feeds it.
  for (const given of set.given.filter((g) => g.kind === 'dataset' && g.name !== null)) for (const name of catalog.sourceNames()) if (catalog.source(name).dataset === given.name) sources.add(name);
  for (const name of sources) {
    const source = catalog.source(name);
    problems.push(...(await checkMappingSql(engine, source, catalog.dataset(source.dataset))));
  }
  return problems;
}

function chooseSource(set: DefinitionSet, catalog: DefinitionCatalog, wanted: string | undefined): AnySourceDefinition {
  if (wanted !== undefined) return catalog.source(wanted);
  const given = set.given.filter((g) => g.kind === 'source' && g.name !== null).map((g) => g.name ?? '');
  const datasets = set.given.filter((g) => g.kind === 'dataset').map((g) => g.name);
  const candidates = given.length > 0 ? given : catalog.sourceNames().filter((name) => datasets.includes(catalog.source(name).dataset));
  const [only, ...others] = candidates;
  if (only === undefined) throw new CliError('USAGE', 'definitions try: give a source definition file (or --source NAME)');
  if (others.length > 0) throw new CliError('USAGE', `definitions try: several sources (${candidates.join(', ')}): pick one with --source`);
  return catalog.source(only);
}

function show(value: PlainValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function fail(): never {
  throw new CliError('INTERNAL', 'dataset missing from a valid catalog');
}
