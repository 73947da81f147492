/**
 * Where the fixtures shipped with this tool are: next to the bundle (`dist/tools/replay-api/fixtures`,
 * copied by the build) or next to the sources (`tools/replay-api/fixtures`).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export function defaultFixturesDir(): string {
  const candidates = [join(__dirname, 'fixtures'), resolve(__dirname, '..', 'fixtures')];
  return candidates.find((dir) => existsSync(join(dir, 'MANIFEST.json'))) ?? resolve(__dirname, '..', 'fixtures');
}
