import { SchemaError } from '../errors';
import { BUILTIN_DEFINITIONS } from './builtin-definitions';
import type { DefinitionCatalog } from './definition-catalog';
import { envPlaceholders, resolveEnvPlaceholders } from './env-placeholders';
import type { SpecResolution } from './instance-reconciler';
import type { SourceDefinition } from './source-definition';
import { rebaseUrl, renderUrlTemplate, templatePlaceholders } from './url-template';

/** A source definition made concrete by configuration: the URL to poll and how often. */
export interface SourceInstance {
  readonly definition: SourceDefinition;
  /** The first page's URL, secrets filled in (log it only through `redactUrl`). */
  readonly url: string;
  readonly intervalMs: number;
  /** Headers with secrets filled in: never log them. */
  readonly headers: Readonly<Record<string, string>>;
}

/** Environment variables (`process.env` in apps) that `${env:NAME}` placeholders read. */
export type SourceEnvironment = Readonly<Record<string, string | undefined>>;

/** Every variable the definition's request refers to through `${env:NAME}`, with where. */
function requiredEnvironment(definition: SourceDefinition): { readonly name: string; readonly where: string }[] {
  const { url, params = {}, headers = {} } = definition.request;
  return [
    ...envPlaceholders(url).map((name) => ({ name, where: 'request.url' })),
    ...Object.entries(params).flatMap(([param, value]) => envPlaceholders(value).map((name) => ({ name, where: `request.params.${param}` }))),
    ...Object.entries(headers).flatMap(([header, value]) => envPlaceholders(value).map((name) => ({ name, where: `request.headers.${header}` }))),
  ];
}

/**
 * Bounds of a poll interval override (`intervalMs=` in a spec): at least 10 ms, at most one day
 * (a definition's own maximum), far below setTimeout's 2^31−1 ms, beyond which Node fires at once.
 */
const INTERVAL_OVERRIDE_MIN_MS = 10;
export const INTERVAL_OVERRIDE_MAX_MS = 86_400_000;

/**
 * Parses a source spec from configuration: `name` or `name?param=value&intervalMs=5000`.
 * Parameters fill the definition's URL placeholders; `intervalMs` overrides the poll interval.
 */
export function parseSourceSpec(spec: string): { readonly name: string; readonly params: Readonly<Record<string, string>> } {
  const [name = '', query = ''] = spec.trim().split('?', 2);
  return { name, params: Object.fromEntries(new URLSearchParams(query)) };
}

export function resolveSourceInstance(catalog: DefinitionCatalog, spec: string, baseUrl?: string, env: SourceEnvironment = {}): SourceInstance {
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
  const missing = new Set<string>();
  const values = Object.fromEntries(Object.entries({ ...definition.request.params, ...urlParams }).map(([k, v]) => [k, resolveEnvPlaceholders(v, env, missing)]));
  const template = resolveEnvPlaceholders(definition.request.url, env, missing, encodeURIComponent);
  const headers = Object.fromEntries(Object.entries(definition.request.headers ?? {}).map(([k, v]) => [k, resolveEnvPlaceholders(v, env, missing)]));
  for (const variable of missing) {
    const where = [...new Set(requiredEnvironment(definition).filter((use) => use.name === variable).map((use) => use.where))];
    problems.push(`environment variable ${variable} is not set (${where.join(' and ')} read${where.length === 1 ? 's' : ''} it as \${env:${variable}})`);
  }
  if (problems.length > 0) throw new SchemaError('INVALID_CONFIG', `Source spec "${spec}" is invalid`, problems);
  const url = rebaseUrl(renderUrlTemplate(template, values), baseUrl);
  return { definition, url, intervalMs, headers };
}

/**
 * The spec standing for every poll source of the definitions folder (not built in) that no other
 * spec names, with its default parameters: a source file added to the folder is polled without
 * touching configuration, and one removed stops being polled.
 */
export const FOLDER_SOURCES_SPEC = '*';

const BUILTIN_SOURCE_NAMES = new Set(BUILTIN_DEFINITIONS.sources.map((input) => (input.definition as { name: string }).name));

/**
 * Resolves each spec on its own, `*` expanded to one spec per folder source (`name`). Never throws for
 * a spec's problem: a running app keeps the others (and the spec's previous version) going.
 */
export function resolveSourceSpecs(catalog: DefinitionCatalog, specs: readonly string[], baseUrl?: string, env: SourceEnvironment = {}): SpecResolution<SourceInstance>[] {
  const named = new Set(specs.filter((spec) => spec.trim() !== FOLDER_SOURCES_SPEC).map((spec) => parseSourceSpec(spec).name));
  const expanded = specs.flatMap((spec) =>
    spec.trim() === FOLDER_SOURCES_SPEC ? catalog.sourceNames('poll').filter((name) => !BUILTIN_SOURCE_NAMES.has(name) && !named.has(name)) : [spec],
  );
  return [...new Set(expanded)].map((spec) => {
    try {
      return { spec, instance: resolveSourceInstance(catalog, spec, baseUrl, env) };
    } catch (error) {
      if (!(error instanceof SchemaError)) throw error;
      return { spec, problems: error.problems.length > 0 ? error.problems : [error.message], unknownSource: error.code === 'UNKNOWN_SOURCE' };
    }
  });
}

/**
 * Resolves every source spec of the configuration, throwing one INVALID_CONFIG that lists the
 * problems of all of them (`FLUXO_SOURCES: <spec>: <problem>`), not only the first.
 */
export function resolveSourceInstances(catalog: DefinitionCatalog, specs: readonly string[], baseUrl?: string, env: SourceEnvironment = {}): SourceInstance[] {
  const instances: SourceInstance[] = [];
  const problems: string[] = [];
  for (const resolution of resolveSourceSpecs(catalog, specs, baseUrl, env)) {
    if ('instance' in resolution) instances.push(resolution.instance);
    else problems.push(...resolution.problems.map((line) => `FLUXO_SOURCES: "${resolution.spec}": ${line}`));
  }
  if (problems.length > 0) throw new SchemaError('INVALID_CONFIG', 'Configuration is invalid', problems);
  return instances;
}
