import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRecordExtractor } from '@fluxo/schema';
import { loadDefinitionCatalog } from './definition-files';

const EXAMPLE = join(__dirname, '..', '..', '..', 'docs', 'examples', 'github-events');

describe('loadDefinitionCatalog', () => {
  it('has the built-in definitions without a folder', async () => {
    expect((await loadDefinitionCatalog()).sourceNames()).toEqual(expect.arrayContaining(['usgs-earthquakes', 'open-meteo-forecast']));
  });

  it('adds the documented GitHub example, which extracts its sample response', async () => {
    const catalog = await loadDefinitionCatalog(EXAMPLE);
    const source = catalog.pollSource('github-events');
    expect(catalog.dataset(source.dataset).name).toBe('github_events');
    const sample: unknown = JSON.parse(await readFile(join(EXAMPLE, 'sample-response.json'), 'utf8'));
    const { records } = createRecordExtractor(source)(sample);
    expect(records.map((r) => [r.key, r.eventTime?.toISOString()])).toEqual([
      ['44000000001', '2025-05-04T13:52:57.000Z'],
      ['44000000002', '2025-05-04T13:53:01.000Z'],
    ]);
  });

  it('names every broken file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fluxo-defs-'));
    try {
      await mkdir(join(dir, 'sources'));
      await mkdir(join(dir, 'datasets'));
      await writeFile(join(dir, 'sources', 'a.json'), '{ not json');
      await writeFile(join(dir, 'datasets', 'b.json'), '[]');
      await expect(loadDefinitionCatalog(dir)).rejects.toMatchObject({
        code: 'INVALID_DEFINITION',
        problems: [expect.stringContaining(join(dir, 'sources', 'a.json'))],
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
