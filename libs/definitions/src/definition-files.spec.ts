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

  it('issue 12: loads every documented example for Spark too (each expr has a spark form)', async () => {
    for (const example of ['coingecko-prices', 'github-events', 'github-issues', 'lichess-arena-results', 'opensky-states']) {
      const catalog = await loadDefinitionCatalog(join(EXAMPLE, '..', example), { engine: 'spark' });
      expect(catalog.sourceNames().length).toBeGreaterThan(4);
    }
  });

  it('issue 12: rejects a DuckDB-only expr when the engine is Spark, naming the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fluxo-defs-'));
    try {
      await mkdir(join(dir, 'sources'), { recursive: true });
      const source = JSON.parse(await readFile(join(EXAMPLE, 'sources', 'github-events.json'), 'utf8')) as { mapping: { column: string }[] };
      const mapping = source.mapping.map((m) => (m.column === 'event_type' ? { column: 'event_type', expr: "upper(json_extract_string(record, '$.type'))" } : m));
      await writeFile(join(dir, 'sources', 'github-events.json'), JSON.stringify({ ...source, mapping }));
      await mkdir(join(dir, 'datasets'));
      await writeFile(join(dir, 'datasets', 'github_events.json'), await readFile(join(EXAMPLE, 'datasets', 'github_events.json'), 'utf8'));
      await expect(loadDefinitionCatalog(dir)).resolves.toBeDefined();
      await expect(loadDefinitionCatalog(dir, { engine: 'spark' })).rejects.toMatchObject({
        code: 'INVALID_DEFINITION',
        problems: [expect.stringMatching(/^source github-events: mapping\[\d+\] \(event_type\): expr has no spark form/)],
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
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
