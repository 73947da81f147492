import { BUILTIN_DEFINITIONS } from './builtin-definitions';
import { DefinitionCatalog } from './definition-catalog';
import { resolveSourceInstance, resolveSourceSpecs } from './source-instance';
import { rebaseUrl } from './url-template';

const catalog = DefinitionCatalog.build(BUILTIN_DEFINITIONS);

describe('resolveSourceInstance', () => {
  it('uses the definition defaults', () => {
    const instance = resolveSourceInstance(catalog, 'usgs-earthquakes');
    expect(instance.url).toBe('https://earthquake.usgs.gov/earthquakes/feed/v1.0/summary/all_hour.geojson');
    expect(instance.intervalMs).toBe(60000);
  });

  it('fills parameters and overrides the interval', () => {
    const instance = resolveSourceInstance(catalog, 'usgs-earthquakes?feed=all_day&intervalMs=250');
    expect(instance.url).toBe('https://earthquake.usgs.gov/earthquakes/feed/v1.0/summary/all_day.geojson');
    expect(instance.intervalMs).toBe(250);
  });

  it('rebases onto the replay server, keeping path and query', () => {
    const instance = resolveSourceInstance(catalog, 'open-meteo-forecast', 'http://127.0.0.1:8787');
    expect(instance.url).toBe('http://127.0.0.1:8787/v1/forecast?latitude=-23.305&longitude=-45.966&hourly=temperature_2m&current=temperature_2m');
  });

  it('lists every problem of a spec', () => {
    expect(() => resolveSourceInstance(catalog, 'usgs-earthquakes?fed=all_day&intervalMs=soon')).toThrow(
      expect.objectContaining({
        code: 'INVALID_CONFIG',
        problems: [expect.stringContaining('"fed" is not a parameter'), expect.stringContaining('intervalMs must be an integer')],
      }),
    );
  });
});

describe('rebaseUrl', () => {
  it('keeps the URL when no base is set', () => {
    expect(rebaseUrl('https://a.test/x?y=1', undefined)).toBe('https://a.test/x?y=1');
  });
  it('keeps a base path prefix', () => {
    expect(rebaseUrl('https://a.test/x?y=1', 'http://h:1/replay/')).toBe('http://h:1/replay/x?y=1');
  });
});

describe('resolveSourceSpecs (issue 10: definitions followed while running)', () => {
  const folder = DefinitionCatalog.build({
    sources: [
      ...BUILTIN_DEFINITIONS.sources,
      ...['alpha', 'beta'].map((name) => ({
        origin: `folder/${name}.json`,
        definition: { ...(BUILTIN_DEFINITIONS.sources[0]?.definition as object), name, request: { url: `https://api.example/${name}`, intervalMs: 60_000 } },
      })),
    ],
    datasets: BUILTIN_DEFINITIONS.datasets,
  });

  it('expands "*" to the folder\'s poll sources no other spec names, never a built-in', () => {
    expect(resolveSourceSpecs(folder, ['beta?intervalMs=500', '*']).map((r) => ['instance' in r ? r.instance.intervalMs : r.problems, r.spec])).toEqual([
      [500, 'beta?intervalMs=500'],
      [60_000, 'alpha'],
    ]);
  });

  it('resolves each spec on its own, telling a source that is gone from another problem', () => {
    const [gone, wrong, fine] = resolveSourceSpecs(folder, ['gamma', 'alpha?feed=x', 'usgs-earthquakes']);
    expect(gone).toMatchObject({ spec: 'gamma', unknownSource: true });
    expect(wrong).toMatchObject({ spec: 'alpha?feed=x', unknownSource: false, problems: ['"feed" is not a parameter of alpha (it has: intervalMs)'] });
    expect(fine).toMatchObject({ spec: 'usgs-earthquakes', instance: { intervalMs: 60_000 } });
  });
});
