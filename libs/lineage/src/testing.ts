import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020, { type ErrorObject } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

const OPENLINEAGE_DIR = join(__dirname, 'testing', 'openlineage');
const CORE_ID = 'https://openlineage.io/spec/2-0-2/OpenLineage.json';

/** Every schema a fluxo event may refer to: OpenLineage's (vendored, see testing/openlineage/PROVENANCE.md) and fluxo's own facets. */
function loadSchemas(): object[] {
  const read = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as object;
  const facets = readdirSync(join(OPENLINEAGE_DIR, 'facets')).filter((name) => name.endsWith('.json'));
  return [read(join(OPENLINEAGE_DIR, 'OpenLineage.json')), ...facets.map((name) => read(join(OPENLINEAGE_DIR, 'facets', name))), read(join(__dirname, 'fluxo-facets.json'))];
}

export interface LineageValidation {
  readonly valid: boolean;
  /** `path: message` per problem, facets included. */
  readonly problems: readonly string[];
}

/**
 * Validates events against the published OpenLineage schema (draft 2020-12, with ajv), then each
 * facet against the schema its `_schemaURL` names — which must be one of the known schemas, so an
 * event cannot dodge validation by pointing at an unknown facet schema.
 */
export function openLineageValidator(): (event: unknown) => LineageValidation {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  for (const schema of loadSchemas()) ajv.addSchema(schema);
  const validateEvent = ajv.getSchema(CORE_ID);
  if (validateEvent === undefined) throw new Error('OpenLineage.json did not load');
  const describe = (prefix: string, errors: ErrorObject[] | null | undefined) => (errors ?? []).map((e) => `${prefix}${e.instancePath || '/'}: ${e.message ?? e.keyword}`);
  return (event) => {
    const problems: string[] = [];
    if (!validateEvent(event)) problems.push(...describe('', validateEvent.errors));
    for (const [path, facet] of facetsOf(event)) {
      const url = (facet as { _schemaURL?: unknown })._schemaURL;
      const validateFacet = typeof url === 'string' ? ajv.getSchema(url) : undefined;
      if (validateFacet === undefined) problems.push(`${path}: _schemaURL ${JSON.stringify(url)} is not a known facet schema`);
      else if (!validateFacet(facet)) problems.push(...describe(path, validateFacet.errors));
    }
    return { valid: problems.length === 0, problems };
  };
}

function* facetsOf(event: unknown): Generator<[string, unknown]> {
  if (typeof event !== 'object' || event === null) return;
  const record = event as Record<string, unknown>;
  const facetMaps: [string, unknown][] = [
    ['/run/facets', (record['run'] as Record<string, unknown> | undefined)?.['facets']],
    ['/job/facets', (record['job'] as Record<string, unknown> | undefined)?.['facets']],
  ];
  for (const side of ['inputs', 'outputs'] as const) {
    const datasets = Array.isArray(record[side]) ? (record[side] as Record<string, unknown>[]) : [];
    datasets.forEach((dataset, index) => {
      for (const key of ['facets', 'inputFacets', 'outputFacets']) facetMaps.push([`/${side}/${index}/${key}`, dataset[key]]);
    });
  }
  for (const [prefix, map] of facetMaps) {
    if (typeof map !== 'object' || map === null) continue;
    for (const [name, value] of Object.entries(map)) yield [`${prefix}/${name}`, value];
  }
}
