import { SchemaError } from '../errors';
import { validatePlain } from '../validation';
import { COLUMN_TYPES, DatasetDefinition, LINEAGE_COLUMNS } from './dataset-definition';
import { SourceDefinition } from './source-definition';
import { templatePlaceholders } from './url-template';

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
    private readonly sources: ReadonlyMap<string, SourceDefinition>,
    private readonly datasets: ReadonlyMap<string, DatasetDefinition>,
  ) {}

  static build(input: { readonly sources: readonly DefinitionInput[]; readonly datasets: readonly DefinitionInput[] }): DefinitionCatalog {
    const problems: string[] = [];
    const datasets = collect(DatasetDefinition, input.datasets, 'dataset', problems);
    const sources = collect(SourceDefinition, input.sources, 'source', problems);
    for (const [name, dataset] of datasets) problems.push(...checkDataset(dataset).map((p) => `dataset ${name}: ${p}`));
    for (const [name, source] of sources) {
      const dataset = datasets.get(source.dataset);
      if (dataset === undefined) {
        problems.push(`source ${name}: dataset "${source.dataset}" is not defined`);
        continue;
      }
      problems.push(...checkSource(source, dataset).map((p) => `source ${name}: ${p}`));
    }
    if (problems.length > 0) throw new SchemaError('INVALID_DEFINITION', 'Source or dataset definitions are invalid', problems);
    return new DefinitionCatalog(sources, datasets);
  }

  source(name: string): SourceDefinition {
    const source = this.sources.get(name);
    if (source === undefined) {
      throw new SchemaError('UNKNOWN_SOURCE', `Unknown source "${name}" (known: ${[...this.sources.keys()].join(', ')})`, [], {
        context: { source: name },
      });
    }
    return source;
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

  sourceNames(): string[] {
    return [...this.sources.keys()];
  }

  datasetNames(): string[] {
    return [...this.datasets.keys()];
  }
}

function collect<T extends { name: string }>(
  type: new () => T,
  inputs: readonly DefinitionInput[],
  kind: string,
  problems: string[],
): Map<string, T> {
  const byName = new Map<string, T>();
  for (const { origin, definition } of inputs) {
    const result = validatePlain(type, definition);
    if (result.value === undefined) {
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

function checkSource(source: SourceDefinition, dataset: DatasetDefinition): string[] {
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
  const params = source.request.params ?? {};
  for (const placeholder of templatePlaceholders(source.request.url)) {
    if (!(placeholder in params)) problems.push(`request.url placeholder {${placeholder}} has no default in request.params`);
  }
  const contextFields = new Set(source.records.context ?? []);
  for (const path of [...source.key, source.version, source.eventTime?.path, ...source.mapping.map((m) => m.path)]) {
    if (path?.startsWith('$context.') === true) {
      const field = path.slice('$context.'.length).split(/[.[]/)[0] ?? '';
      if (!contextFields.has(field)) problems.push(`path "${path}" reads context field "${field}", which records.context does not list`);
    }
  }
  return problems;
}

export { COLUMN_TYPES };
