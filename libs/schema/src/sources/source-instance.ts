import { SchemaError } from '../errors';
import type { DefinitionCatalog } from './definition-catalog';
import type { SourceDefinition } from './source-definition';
import { rebaseUrl, renderUrlTemplate, templatePlaceholders } from './url-template';

/** A source definition made concrete by configuration: the URL to poll and how often. */
export interface SourceInstance {
  readonly definition: SourceDefinition;
  readonly url: string;
  readonly intervalMs: number;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Bounds of a poll interval override (`intervalMs=` in a spec): at least 10 ms, at most one day
 * (a definition's own maximum), far below setTimeout's 2^31−1 ms, beyond which Node fires at once.
 */
export const INTERVAL_OVERRIDE_MIN_MS = 10;
export const INTERVAL_OVERRIDE_MAX_MS = 86_400_000;

/**
 * Parses a source spec from configuration: `name` or `name?param=value&intervalMs=5000`.
 * Parameters fill the definition's URL placeholders; `intervalMs` overrides the poll interval.
 */
export function parseSourceSpec(spec: string): { readonly name: string; readonly params: Readonly<Record<string, string>> } {
  const [name = '', query = ''] = spec.trim().split('?', 2);
  return { name, params: Object.fromEntries(new URLSearchParams(query)) };
}

export function resolveSourceInstance(catalog: DefinitionCatalog, spec: string, baseUrl?: string): SourceInstance {
  const { name, params } = parseSourceSpec(spec);
  const definition = catalog.pollSource(name);
  const { intervalMs: intervalParam, ...urlParams } = params;
  const known = new Set(templatePlaceholders(definition.request.url));
  const unknown = Object.keys(urlParams).filter((param) => !known.has(param));
  const intervalMs = intervalParam === undefined ? definition.request.intervalMs : Number(intervalParam);
  const problems = [
    ...unknown.map((param) => `"${param}" is not a parameter of ${name} (it has: ${[...known, 'intervalMs'].join(', ')})`),
    ...(Number.isInteger(intervalMs) && intervalMs >= INTERVAL_OVERRIDE_MIN_MS && intervalMs <= INTERVAL_OVERRIDE_MAX_MS
      ? []
      : [`intervalMs must be an integer from ${INTERVAL_OVERRIDE_MIN_MS} to ${INTERVAL_OVERRIDE_MAX_MS} (one day), got "${intervalParam}"`]),
  ];
  if (problems.length > 0) throw new SchemaError('INVALID_CONFIG', `Source spec "${spec}" is invalid`, problems);
  const url = rebaseUrl(renderUrlTemplate(definition.request.url, { ...definition.request.params, ...urlParams }), baseUrl);
  return { definition, url, intervalMs, headers: definition.request.headers ?? {} };
}

/**
 * Resolves every source spec of the configuration, throwing one INVALID_CONFIG that lists the
 * problems of all of them (`FLUXO_SOURCES: <spec>: <problem>`), not only the first.
 */
export function resolveSourceInstances(catalog: DefinitionCatalog, specs: readonly string[], baseUrl?: string): SourceInstance[] {
  const instances: SourceInstance[] = [];
  const problems: string[] = [];
  for (const spec of specs) {
    try {
      instances.push(resolveSourceInstance(catalog, spec, baseUrl));
    } catch (error) {
      if (!(error instanceof SchemaError)) throw error;
      const lines = error.problems.length > 0 ? error.problems : [error.message];
      problems.push(...lines.map((line) => `FLUXO_SOURCES: "${spec}": ${line}`));
    }
  }
  if (problems.length > 0) throw new SchemaError('INVALID_CONFIG', 'Configuration is invalid', problems);
  return instances;
}
