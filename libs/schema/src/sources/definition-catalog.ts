import { SchemaError } from '../errors';
import { validatePlain } from '../validation';
import { COLUMN_TYPES, DatasetDefinition, LINEAGE_COLUMNS } from './dataset-definition';
import { SourceDefinition } from './source-definition';
import { InternalSourceDefinition, StreamSourceDefinition } from './stream-source-definition';
import { sparkExpressionProblems, sqlExpressionProblems } from './sql-expression';
import { dialectForms, missingFormProblem, type DialectForms, type SqlEngine } from './dataset-mapping';
import { templatePlaceholders } from './url-template';
import { envPlaceholderProblems, envPlaceholders } from './env-placeholders';

/**
 * Every kind of source, told apart by `kind`: `poll` (apps/ingest), `stream` (apps/stream-ingest)
 * and `internal` (records fluxo writes about itself, e.g. stream gaps). All share `name`,
 * `dataset`, `key`, `version`, `eventTime` and `mapping`, which is all the normalizer needs.
 */
export type AnySourceDefinition = SourceDefinition | StreamSourceDefinition | InternalSourceDefinition;
export type SourceKind = AnySourceDefinition['kind'];
const SOURCE_CLASSES = { poll: SourceDefinition, stream: StreamSourceDefinition, internal: InternalSourceDefinition } as const;

/** Where a definition came from, for error messages (`builtin`, or a file path). */
export interface DefinitionInput {
  readonly origin: string;
  readonly definition: unknown;
}

/**
 * The validated set of source and dataset definitions the pipeline runs with. Built once at
 * startup; every problem in every definition is reported together.
 */
export class DefinitionCatalog {
  private constructor(
    private readonly sources: ReadonlyMap<string, AnySourceDefinition>,
    private readonly datasets: ReadonlyMap<string, DatasetDefinition>,
  ) {}

  /**
   * `engine` is the SQL engine that will curate the sources (default DuckDB): a mapping whose `expr`
   * has no form for it is a problem reported here, at load.
   */
  static build(input: { readonly sources: readonly DefinitionInput[]; readonly datasets: readonly DefinitionInput[] }, options: { readonly engine?: SqlEngine } = {}): DefinitionCatalog {
    const problems: string[] = [];
    const invalid = new Set<string>();
    const datasets = collect<DatasetDefinition>(() => DatasetDefinition, input.datasets, 'dataset', problems, invalid);
    const sources = collect<AnySourceDefinition>((plain) => SOURCE_CLASSES[kindOf(plain)], input.sources, 'source', problems, new Set());
    for (const [name, dataset] of datasets) problems.push(...checkDataset(dataset).map((p) => `dataset ${name}: ${p}`));
    for (const [name, source] of sources) {
      const dataset = datasets.get(source.dataset);
      if (dataset === undefined) {
        // A dataset whose file has a mistake is reported there, once: not again as "not defined".
        if (!invalid.has(source.dataset)) problems.push(`source ${name}: dataset "${source.dataset}" is not defined (datasets: ${[...datasets.keys()].join(', ')})`);
        continue;
      }
      problems.push(...checkSource(source, dataset, options.engine ?? 'duckdb').map((p) => `source ${name}: ${p}`));
    }
    if (problems.length > 0) throw new SchemaError('INVALID_DEFINITION', 'Source or dataset definitions are invalid', problems);
    return new DefinitionCatalog(sources, datasets);
  }

  /** A source of any kind (the normalizer curates them all alike). */
  source(name: string): AnySourceDefinition {
    const source = this.sources.get(name);
    if (source === undefined) {
      throw new SchemaError('UNKNOWN_SOURCE', `Unknown source "${name}" (known: ${[...this.sources.keys()].join(', ')})`, [], {
        context: { source: name },
      });
    }
    return source;
  }

  /** A polling source; `WRONG_SOURCE_KIND` when `name` is another kind. */
  pollSource(name: string): SourceDefinition {
    return this.ofKind(name, 'poll');
  }

  /** A streaming source; `WRONG_SOURCE_KIND` when `name` is another kind. */
  streamSource(name: string): StreamSourceDefinition {
    return this.ofKind(name, 'stream');
  }

  /** An internal source (records fluxo writes about itself); `WRONG_SOURCE_KIND` otherwise. */
  internalSource(name: string): InternalSourceDefinition {
    return this.ofKind(name, 'internal');
  }

  dataset(name: string): DatasetDefinition {
    const dataset = this.datasets.get(name);
    if (dataset === undefined) {
      throw new SchemaError('UNKNOWN_DATASET', `Unknown dataset "${name}" (known: ${[...this.datasets.keys()].join(', ')})`, [], {
        context: { dataset: name },
      });
    }
    return dataset;
  }

  /** Source names, optionally of one kind only. */
  sourceNames(kind?: SourceKind): string[] {
    return [...this.sources.values()].filter((source) => kind === undefined || source.kind === kind).map((source) => source.name);
  }

  private ofKind<K extends SourceKind>(name: string, kind: K): Extract<AnySourceDefinition, { kind: K }> {
    const source = this.source(name);
    if (source.kind !== kind) {
      throw new SchemaError('WRONG_SOURCE_KIND', `Source "${name}" is a ${source.kind} source, not a ${kind} source (${kind} sources: ${this.sourceNames(kind).join(', ')})`, [], {
        context: { source: name, kind: source.kind, expected: kind },
      });
    }
    return source as Extract<AnySourceDefinition, { kind: K }>;
  }

  datasetNames(): string[] {
    return [...this.datasets.keys()];
  }

  /**
   * This catalog plus the sources `previous` has and this one lacks, with their datasets where this
   * one lacks them: a consumer following changed definitions can still read what a removed source
   * announced just before (or while) it was removed.
   */
  keepingRemovedSourcesOf(previous: DefinitionCatalog): DefinitionCatalog {
    const removed = [...previous.sources.values()].filter((source) => !this.sources.has(source.name));
    if (removed.length === 0) return this;
    const datasets = new Map(this.datasets);
    for (const source of removed) {
      const dataset = previous.datasets.get(source.dataset);
      if (!datasets.has(source.dataset) && dataset !== undefined) datasets.set(source.dataset, dataset);
    }
    return new DefinitionCatalog(new Map([...this.sources, ...removed.map((source) => [source.name, source] as const)]), datasets);
  }
}

/** The `kind` of a plain source definition; a missing or unknown kind validates as `poll`, whose check reports it. */
function kindOf(plain: unknown): SourceKind {
  const kind = typeof plain === 'object' && plain !== null ? (plain as Record<string, unknown>)['kind'] : undefined;
  return typeof kind === 'string' && kind in SOURCE_CLASSES ? (kind as SourceKind) : 'poll';
}

function collect<T extends { name: string }>(
  typeOf: (plain: unknown) => new () => T & object,
  inputs: readonly DefinitionInput[],
  kind: string,
  problems: string[],
  invalid: Set<string>,
): Map<string, T> {
  const byName = new Map<string, T>();
  for (const { origin, definition } of inputs) {
    const result = validatePlain(typeOf(definition), definition);
    if (result.value === undefined) {
      const name = typeof definition === 'object' && definition !== null ? (definition as Record<string, unknown>)['name'] : undefined;
      if (typeof name === 'string') invalid.add(name);
      problems.push(...result.problems.map((p) => `${kind} (${origin}): ${p}`));
    } else if (byName.has(result.value.name)) {
      problems.push(`${kind} (${origin}): name "${result.value.name}" is defined twice`);
    } else {
      byName.set(result.value.name, result.value);
    }
  }
  return byName;
}

function checkDataset(dataset: DatasetDefinition): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  for (const column of dataset.columns) {
    if (names.has(column.name)) problems.push(`column "${column.name}" is defined twice`);
    if (column.name.startsWith('_')) problems.push(`column "${column.name}": names starting with "_" are reserved for lineage`);
    names.add(column.name);
  }
  const lineage = new Set<string>(LINEAGE_COLUMNS.map((c) => c.name));
  const known = (name: string) => names.has(name) || lineage.has(name);
  const partition = dataset.columns.find((c) => c.name === dataset.partitionBy);
  if (partition?.type !== 'timestamp') problems.push(`partitionBy "${dataset.partitionBy}" must name a timestamp column`);
  for (const key of dataset.entityKey) if (!known(key)) problems.push(`entityKey column "${key}" is not defined`);
  if (!known(dataset.versionColumn)) problems.push(`versionColumn "${dataset.versionColumn}" is not defined`);
  return problems;
}

function checkSource(source: AnySourceDefinition, dataset: DatasetDefinition, engine: SqlEngine): string[] {
  const problems: string[] = [];
  const columns = new Map(dataset.columns.map((c) => [c.name, c]));
  const mapped = new Set<string>();
  for (const [index, mapping] of source.mapping.entries()) {
    const where = `mapping[${index}] (${mapping.column})`;
    const column = columns.get(mapping.column);
    if (column === undefined) problems.push(`${where}: dataset ${dataset.name} has no such column`);
    if (mapped.has(mapping.column)) problems.push(`${where}: column mapped twice`);
    mapped.add(mapping.column);
    if ((mapping.path === undefined) === (mapping.expr === undefined)) problems.push(`${where}: give exactly one of "path" or "expr"`);
    if (mapping.expr !== undefined) problems.push(...exprProblems(mapping.expr, engine).map((problem) => `${where}: ${problem}`));
    if (mapping.format !== undefined && (mapping.path === undefined || column?.type !== 'timestamp')) {
      problems.push(`${where}: "format" applies only to a timestamp column read by "path"`);
    }
    if (column?.type === 'timestamp' && mapping.path !== undefined && mapping.format === undefined) {
      problems.push(`${where}: a timestamp read by "path" needs "format" (${['epoch_ms', 'epoch_s', 'iso8601'].join(', ')})`);
    }
  }
  for (const column of dataset.columns) {
    if (column.required === true && !mapped.has(column.name)) problems.push(`required column "${column.name}" is not mapped`);
  }
  const template = source.kind === 'poll' ? { at: 'request', ...source.request } : source.kind === 'stream' ? { at: 'stream', ...source.stream } : undefined;
  if (template !== undefined) {
    const params = template.params ?? {};
    for (const placeholder of templatePlaceholders(template.url)) {
      if (!(placeholder in params)) problems.push(`${template.at}.url placeholder {${placeholder}} has no default in ${template.at}.params`);
    }
  }
  if (source.kind === 'stream') problems.push(...checkStream(source));
  if (source.kind === 'poll') problems.push(...checkPoll(source));
  const contextFields = new Set(source.kind === 'poll' ? (source.records.context ?? []) : []);
  const required = source.kind === 'stream' ? (source.required ?? []) : [];
  const versions = source.version === undefined ? [] : Array.isArray(source.version) ? source.version : [source.version];
  for (const path of [...source.key, ...required, ...versions, source.eventTime?.path, ...source.mapping.map((m) => m.path)]) {
    if (path?.startsWith('$context.') === true) {
      const field = path.slice('$context.'.length).split(/[.[]/)[0] ?? '';
      if (!contextFields.has(field)) {
        problems.push(
          source.kind === 'poll'
            ? `path "${path}" reads context field "${field}", which records.context does not list`
            : `path "${path}" reads the response context, which ${source.kind} sources do not have`,
        );
      }
    }
  }
  return problems;
}

/** Problems of an `expr`: each form's own, and a missing form for the engine that will run it. */
function exprProblems(expr: string | DialectForms, engine: SqlEngine): string[] {
  const forms = dialectForms(expr);
  const problems = Object.entries(forms).flatMap(([formEngine, form]) => {
    const own = formEngine === 'spark' ? sparkExpressionProblems(form) : sqlExpressionProblems(form);
    return own.map((problem) => (typeof expr === 'string' ? problem : `expr.${formEngine}: ${problem}`));
  });
  if (forms[engine] === undefined) problems.push(missingFormProblem(engine));
  return problems;
}

function checkPoll(source: SourceDefinition): string[] {
  const problems: string[] = [];
  const { records, request } = source;
  const layout = records.layout ?? 'rows';
  if (records.format === 'ndjson') {
    if (records.path !== '$') problems.push(`records.path: an ndjson body has one record per line: use "$"`);
    if (layout !== 'rows') problems.push(`records.layout: an ndjson body has one record per line: use "rows" (or leave it out)`);
    if ((records.context ?? []).length > 0) problems.push(`records.context: an ndjson body has no envelope to keep fields from`);
    if (request.paging?.type === 'cursor') problems.push(`request.paging: an ndjson body has no envelope to read a cursor from (use "link", "page" or "offset")`);
  }
  if (records.keyField !== undefined && layout !== 'keyed') problems.push(`records.keyField applies to the "keyed" layout only`);
  if (records.path === '$' && layout === 'rows' && records.format !== 'ndjson' && (records.context ?? []).length > 0) {
    problems.push(`records.context: the response is an array (records.path "$"), it has no top-level fields`);
  }
  const paging = request.paging;
  if (paging !== undefined) {
    if (paging.type === 'cursor' && (paging.cursorPath === undefined || paging.param === undefined)) problems.push(`request.paging: a "cursor" paging needs "cursorPath" (where the next cursor is) and "param" (the query parameter carrying it)`);
    if ((paging.type === 'page' || paging.type === 'offset') && paging.param === undefined) problems.push(`request.paging: a "${paging.type}" paging needs "param" (the query parameter carrying the ${paging.type})`);
    if (paging.type === 'offset' && paging.size === undefined) problems.push(`request.paging: an "offset" paging needs "size" (records per page)`);
    if (paging.type === 'link' && (paging.param ?? paging.cursorPath ?? paging.size ?? paging.sizeParam ?? paging.start) !== undefined) problems.push(`request.paging: a "link" paging follows the Link header; it takes only "maxPages"`);
  }
  if (request.incremental !== undefined && source.eventTime === undefined) problems.push(`request.incremental needs "eventTime": the parameter is the newest event time announced`);
  problems.push(...envPlaceholderProblems(request.url).map((p) => `request.url: ${p}`));
  const queryAt = request.url.indexOf('?');
  if (envPlaceholders(queryAt < 0 ? request.url : request.url.slice(0, queryAt)).length > 0) {
    problems.push(`request.url: \${env:…} may appear only in the query string (logs show the path); put it in a query parameter or a header`);
  }
  for (const [name, value] of Object.entries(request.params ?? {})) problems.push(...envPlaceholderProblems(value).map((p) => `request.params.${name}: ${p}`));
  for (const [name, value] of Object.entries(request.headers ?? {})) problems.push(...envPlaceholderProblems(value).map((p) => `request.headers.${name}: ${p}`));
  return problems;
}

function checkStream(source: StreamSourceDefinition): string[] {
  const problems: string[] = [];
  const { protocol, url, resume } = source.stream;
  const scheme = url.slice(0, url.indexOf(':'));
  if (protocol === 'sse' && !['http', 'https'].includes(scheme)) problems.push(`stream.url: an sse stream needs an http(s) URL`);
  if (protocol === 'websocket' && !['ws', 'wss'].includes(scheme)) problems.push(`stream.url: a websocket stream needs a ws(s) URL`);
  if (protocol === 'websocket' && resume !== 'none') problems.push(`stream.resume: a websocket stream cannot resume (use "none")`);
  if (protocol === 'sse' && source.stream.subscribe !== undefined) problems.push(`stream.subscribe applies to websocket streams only`);
  return problems;
}

export { COLUMN_TYPES };
