/**
 * The repository as the Docker build sees it: paths from the root, glob expansion the way
 * `COPY --parents apps/*\/package.json` does it, and `.dockerignore` matching.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '..', '..', '..');
export const DOCKER_DIR = join(REPO_ROOT, 'docker');

export function repoPath(...segments: string[]): string {
  return join(REPO_ROOT, ...segments);
}

export function readRepoFile(...segments: string[]): string {
  return readFileSync(repoPath(...segments), 'utf8');
}

export function readRepoJson<T = unknown>(...segments: string[]): T {
  return JSON.parse(readRepoFile(...segments)) as T;
}

function segmentPattern(segment: string): RegExp {
  const escaped = segment.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  return new RegExp(`^${escaped}$`);
}

/**
 * Expands a context-relative source with `*` / `?` in any segment (no `**`) to the existing paths,
 * relative to the repository root. A source without wildcards yields itself when it exists.
 */
export function expandSource(source: string): string[] {
  const segments = source.replace(/^\.\//, '').split('/').filter((s) => s !== '' && s !== '.');
  let matches = [''];
  for (const segment of segments) {
    const next: string[] = [];
    for (const base of matches) {
      const dir = repoPath(base);
      if (!/[*?]/.test(segment)) {
        if (existsSync(join(dir, segment))) next.push(base === '' ? segment : `${base}/${segment}`);
        continue;
      }
      if (!existsSync(dir) || !statSync(dir).isDirectory()) continue;
      const pattern = segmentPattern(segment);
      for (const entry of readdirSync(dir).sort()) {
        if (pattern.test(entry)) next.push(base === '' ? entry : `${base}/${entry}`);
      }
    }
    matches = next;
  }
  return segments.length === 0 ? ['.'] : matches;
}

/** Patterns of a .dockerignore file (comments and blank lines dropped; `!` exceptions kept). */
export function readIgnorePatterns(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

function ignoreRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/^\/+|\/+$/g, '')
    .split('/')
    .map((segment) => (segment === '**' ? '(?:.*)' : segment.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')))
    .join('/')
    .replace(/\(\?:\.\*\)\//g, '(?:.*/)?');
  // A pattern matching a directory excludes everything below it.
  return new RegExp(`^${body}(?:/.*)?$`);
}

/** Whether `path` (repository-relative) is left out of the build context by these patterns. */
export function isIgnored(path: string, patterns: readonly string[]): boolean {
  let ignored = false;
  for (const pattern of patterns) {
    const exception = pattern.startsWith('!');
    if (ignoreRegExp(exception ? pattern.slice(1) : pattern).test(path)) ignored = !exception;
  }
  return ignored;
}
