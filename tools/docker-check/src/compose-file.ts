/**
 * docker/compose.yaml as data: parsed with YAML merge keys (`<<:`), as Compose does, plus the
 * parts of Compose's variable interpolation the file uses.
 */
import { parse } from 'yaml';

export interface ComposeBuild {
  readonly context?: string;
  readonly dockerfile?: string;
  readonly args?: Record<string, string>;
}

export interface ComposeDependency {
  readonly condition?: string;
}

export interface ComposeService {
  readonly image?: string;
  readonly build?: ComposeBuild;
  readonly command?: string[] | string;
  readonly environment?: Record<string, string | number | boolean | null>;
  readonly depends_on?: Record<string, ComposeDependency> | string[];
  readonly volumes?: (string | { type?: string; source?: string; target?: string })[];
  readonly healthcheck?: { test?: string[] | string };
  readonly profiles?: string[];
  readonly ports?: (string | number)[];
}

export interface ComposeFile {
  readonly services: Record<string, ComposeService>;
  readonly volumes?: Record<string, unknown>;
}

export function parseCompose(text: string): ComposeFile {
  const data: unknown = parse(text, { merge: true });
  if (typeof data !== 'object' || data === null || !('services' in data)) throw new Error('compose file has no services');
  return data as ComposeFile;
}

/**
 * Compose interpolation of `${NAME}`, `${NAME:-default}`, `${NAME-default}` and `$$`, against the
 * host environment given (tests pass an empty one: the defaults written in the file).
 */
function interpolate(value: string, hostEnv: Readonly<Record<string, string>>): string {
  return value.replace(/\$\$|\$\{(\w+)(?:(:?-)([^}]*))?\}/g, (whole, name?: string, operator?: string, fallback?: string) => {
    if (whole === '$$') return '$';
    const set = hostEnv[name ?? ''];
    if (operator === ':-') return set === undefined || set === '' ? (fallback ?? '') : set;
    if (operator === '-') return set === undefined ? (fallback ?? '') : set;
    return set ?? '';
  });
}

/** A service's environment as the container sees it, interpolated against `hostEnv`. */
export function serviceEnv(service: ComposeService, hostEnv: Readonly<Record<string, string>> = {}): Record<string, string> {
  return Object.fromEntries(Object.entries(service.environment ?? {}).map(([key, value]) => [key, interpolate(String(value ?? ''), hostEnv)]));
}

/** Named-volume mounts of a service: `{ source, target }` (bind mounts are left out). */
export function namedVolumeMounts(service: ComposeService): { source: string; target: string }[] {
  return (service.volumes ?? []).flatMap((volume) => {
    if (typeof volume === 'string') {
      const [source = '', target = ''] = volume.split(':');
      return /^[\w-]+$/.test(source) ? [{ source, target }] : [];
    }
    return volume.type === 'volume' || (volume.type === undefined && volume.source !== undefined && /^[\w-]+$/.test(volume.source))
      ? [{ source: volume.source ?? '', target: volume.target ?? '' }]
      : [];
  });
}

export function dependencyCondition(service: ComposeService, on: string): string | undefined {
  const deps = service.depends_on;
  if (deps === undefined) return undefined;
  if (Array.isArray(deps)) return deps.includes(on) ? 'service_started' : undefined;
  const dep = deps[on];
  return dep === undefined ? undefined : (dep.condition ?? 'service_started');
}
