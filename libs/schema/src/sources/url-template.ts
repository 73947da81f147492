import { SchemaError } from '../errors';

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export function templatePlaceholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '');
}

/** Fills `{name}` placeholders with URL-encoded values; every placeholder must have a value. */
export function renderUrlTemplate(template: string, params: Readonly<Record<string, string>>): string {
  const missing = templatePlaceholders(template).filter((name) => params[name] === undefined);
  if (missing.length > 0) {
    throw new SchemaError('INVALID_CONFIG', `URL template ${template} lacks values`, missing.map((m) => `{${m}} has no value`));
  }
  return template.replace(PLACEHOLDER, (_, name: string) => encodeURIComponent(params[name] ?? ''));
}

/**
 * Points a URL at another origin, keeping path and query: how the replay server stands in for the
 * real APIs (`https://earthquake.usgs.gov/x?y` → `http://127.0.0.1:8787/x?y`).
 */
export function rebaseUrl(url: string, baseUrl: string | undefined): string {
  if (baseUrl === undefined || baseUrl === '') return url;
  const original = new URL(url);
  const base = new URL(baseUrl);
  const prefix = base.pathname.replace(/\/$/, '');
  return `${base.origin}${prefix}${original.pathname}${original.search}`;
}
