/** Pins the recorded data: every fixture file must match its MANIFEST.json sha256 and size. */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const FIXTURES = join(__dirname, '..', 'fixtures');

interface ManifestEntry {
  file: string;
  sha256: string;
  bytes: number;
  source_repo: string;
  source_path: string;
  source_commit: string;
}

const manifest = JSON.parse(readFileSync(join(FIXTURES, 'MANIFEST.json'), 'utf8')) as ManifestEntry[];

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [relative(FIXTURES, join(dir, entry.name))],
  );
}

describe('fixtures MANIFEST.json', () => {
  it('lists every fixture file, and nothing else', () => {
    const onDisk = filesUnder(FIXTURES)
      .filter((f) => f !== 'MANIFEST.json' && f !== 'README.md')
      .sort();
    expect(manifest.map((e) => e.file).sort()).toEqual(onDisk);
  });

  it.each(manifest.map((e) => [e.file, e] as const))('%s matches its sha256 and size', (file, entry) => {
    const bytes = readFileSync(join(FIXTURES, file));
    expect(bytes.length).toBe(entry.bytes);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(entry.sha256);
  });

  it('keeps provenance for every file', () => {
    for (const entry of manifest) {
      expect(entry.source_repo).toMatch(/^[\w.-]+\/[\w.-]+$/);
      expect(entry.source_path).not.toBe('');
      expect(entry.source_commit).toMatch(/[0-9a-f]{40}/);
    }
  });
});
