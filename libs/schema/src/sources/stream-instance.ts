import { SchemaError } from '../errors';
import type { DefinitionCatalog } from './definition-catalog';
import type { SpecResolution } from './instance-reconciler';
import { parseSourceSpec } from './source-instance';
import type { StreamSourceDefinition } from './stream-source-definition';
import { rebaseUrl, renderUrlTemplate, templatePlaceholders } from './url-template';

/** A stream definition made concrete by configuration: the URL to connect to and its headers. */
export interface StreamInstance {
  readonly definition: StreamSourceDefinition;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Resolves a stream spec from configuration (`name` or `name?param=value`): parameters fill the
 * definition's URL placeholders; `baseUrl` rebases the URL onto another origin (the replay server),
 * keeping the scheme family (`ws(s)` stays `ws(s)`).
 */
export function resolveStreamInstance(catalog: DefinitionCatalog, spec: string, baseUrl?: string): StreamInstance {
  const { name, params } = parseSourceSpec(spec);
  const definition = catalog.streamSource(name);
  const known = new Set(templatePlaceholders(definition.stream.url));
  const unknown = Object.keys(params).filter((param) => !known.has(param));
  if (unknown.length > 0) {
    throw new SchemaError(
      'INVALID_CONFIG',
      `Stream spec "${spec}" is invalid`,
      unknown.map((param) => `"${param}" is not a parameter of ${name} (it has: ${[...known].join(', ') || 'none'})`),
    );
  }
  const rendered = renderUrlTemplate(definition.stream.url, { ...definition.stream.params, ...params });
  const websocket = definition.stream.protocol === 'websocket';
  let url = rebaseUrl(websocket ? rendered.replace(/^ws/, 'http') : rendered, baseUrl);
  if (websocket) url = url.replace(/^http/, 'ws');
  return { definition, url, headers: definition.stream.headers ?? {} };
}

/**
 * Resolves each stream spec on its own (for a running app following its definitions): a spec's
 * problem is returned, never thrown, so the other streams keep going.
 */
export function resolveStreamSpecs(catalog: DefinitionCatalog, specs: readonly string[], baseUrl?: string): SpecResolution<StreamInstance>[] {
  return [...new Set(specs)].map((spec) => {
    try {
      return { spec, instance: resolveStreamInstance(catalog, spec, baseUrl) };
    } catch (error) {
      if (!(error instanceof SchemaError)) throw error;
      return { spec, problems: error.problems.length > 0 ? error.problems : [error.message], unknownSource: error.code === 'UNKNOWN_SOURCE' };
    }
  });
}
