import { dialectForms } from './dataset-mapping';
import type { AnySourceDefinition } from './definition-catalog';

/** `$.a.b[0]` inside an expression's string literal: a path the expression reads. */
const EXPR_PATH = /'\$((?:\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])+)'/g;

/**
 * The record fields a source reads or deliberately ignores: key, version, event time, mapped paths,
 * the JSON paths quoted in `expr` mappings and `ignoredFields`, without array positions
 * (`geometry.coordinates[0]` reads `geometry.coordinates`).
 */
function readFieldPaths(source: AnySourceDefinition): string[] {
  const paths: string[] = [...source.key, ...(source.ignoredFields ?? [])];
  if (source.version !== undefined) paths.push(...(Array.isArray(source.version) ? source.version : [source.version]));
  if (source.eventTime !== undefined) paths.push(source.eventTime.path);
  for (const mapping of source.mapping) {
    if (mapping.path !== undefined) paths.push(mapping.path);
    for (const form of Object.values(mapping.expr === undefined ? {} : dialectForms(mapping.expr))) {
      for (const match of form.matchAll(EXPR_PATH)) paths.push((match[1] ?? '').replace(/^\./, ''));
    }
  }
  return [...new Set(paths.filter((path) => !path.startsWith('$context.')).map(normalize).filter((path) => path !== ''))];
}

/**
 * Fields present in the records (`fields`, from `ResponseExtraction.fields()`) that no part of the
 * definition reads. A field counts as read when a read path is the field, one of its parents or one
 * of its children.
 */
export function unmappedFields(source: AnySourceDefinition, fields: Iterable<string>): string[] {
  const read = readFieldPaths(source);
  const unmapped: string[] = [];
  for (const field of fields) {
    const path = normalize(field);
    const covered = read.some((r) => r === path || path.startsWith(`${r}.`) || r.startsWith(`${path}.`));
    if (!covered) unmapped.push(field);
  }
  return unmapped.sort();
}

function normalize(path: string): string {
  return path.replace(/\[\d+\]/g, '').replace(/^\./, '');
}
