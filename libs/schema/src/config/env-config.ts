import { SchemaError } from '../errors';
import { validatePlain } from '../validation';

export type EnvKind = 'string' | 'int' | 'bool' | 'list';

/** One configuration setting: its environment variable, the config field it fills, and its default. */
export interface EnvSetting<Field extends string = string> {
  readonly env: string;
  readonly field: Field;
  readonly kind: EnvKind;
  readonly default?: string;
  readonly secret?: boolean;
  readonly description: string;
}

/**
 * Reads settings from environment variables (or any string map, e.g. CLI flags merged in),
 * converts them, validates the config class with class-validator, and throws one `SchemaError`
 * (`INVALID_CONFIG`) listing every problem by environment variable name.
 */
export function loadEnvConfig<T extends object>(
  type: new () => T,
  settings: readonly EnvSetting<Extract<keyof T, string>>[],
  env: Readonly<Record<string, string | undefined>>,
): T {
  const problems: string[] = [];
  const plain: Record<string, unknown> = {};
  const reported = new Set<string>();
  for (const setting of settings) {
    const raw = env[setting.env] ?? setting.default;
    if (raw === undefined || raw === '') continue;
    const value = convert(raw, setting.kind);
    if (value === undefined) {
      reported.add(setting.field);
      problems.push(`${setting.env}: expected ${setting.kind === 'int' ? 'an integer' : 'true or false'}, got ${JSON.stringify(setting.secret === true ? '***' : raw)}`);
      continue;
    }
    plain[setting.field] = value;
  }
  const result = validatePlain(type, plain);
  for (const problem of result.problems) {
    const field = problem.split(/[.:]/, 1)[0] ?? '';
    if (reported.has(field)) continue; // one line per setting: its first problem
    reported.add(field);
    const setting = settings.find((s) => s.field === field);
    problems.push(setting === undefined ? problem : `${setting.env}: ${problem.slice(problem.indexOf(':') + 2)}`);
  }
  if (problems.length > 0 || result.value === undefined) {
    throw new SchemaError('INVALID_CONFIG', 'Configuration is invalid', problems);
  }
  return result.value;
}

/** The config with secrets masked, for the startup log line. */
export function redactConfig<T extends object>(config: T, settings: readonly EnvSetting[]): Record<string, unknown> {
  const secret = new Set(settings.filter((s) => s.secret === true).map((s) => s.field));
  return Object.fromEntries(Object.entries(config).map(([key, value]) => [key, secret.has(key) && value !== undefined ? '***' : value]));
}

/** A Markdown table of the settings, for READMEs and `--help`. */
export function describeSettings(settings: readonly EnvSetting[]): string {
  const rows = settings.map((s) => `| \`${s.env}\` | ${s.kind} | ${s.default === undefined ? '—' : `\`${s.default}\``} | ${s.description} |`);
  return ['| variable | type | default | meaning |', '|---|---|---|---|', ...rows].join('\n');
}

function convert(raw: string, kind: EnvKind): unknown {
  switch (kind) {
    case 'string':
      return raw;
    case 'int':
      return /^-?\d+$/.test(raw.trim()) ? Number(raw) : undefined;
    case 'bool':
      return ['true', '1', 'yes'].includes(raw.toLowerCase()) ? true : ['false', '0', 'no'].includes(raw.toLowerCase()) ? false : undefined;
    case 'list':
      return raw
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
  }
}
