import { SchemaError } from '../errors';
import { BUILTIN_DEFINITIONS } from './builtin-definitions';
import { DefinitionCatalog } from './definition-catalog';

function buildError(input: Parameters<typeof DefinitionCatalog.build>[0]): SchemaError {
  try {
    DefinitionCatalog.build(input);
  } catch (error) {
    if (error instanceof SchemaError) return error;
    throw error;
  }
  throw new Error('expected the catalog to reject the definitions');
}

const usgs = BUILTIN_DEFINITIONS.sources[0]?.definition as Record<string, unknown>;

describe('DefinitionCatalog', () => {
  it('accepts the built-in definitions', () => {
    const catalog = DefinitionCatalog.build(BUILTIN_DEFINITIONS);
    expect(catalog.sourceNames().sort()).toEqual(['open-meteo-forecast', 'stream-gaps', 'usgs-earthquakes', 'wikimedia-recentchange']);
    expect(catalog.sourceNames('stream')).toEqual(['wikimedia-recentchange']);
    expect(catalog.dataset('earthquakes').columns.map((c) => c.name)).toEqual(
      expect.arrayContaining(['event_id', 'event_time', 'updated_at', 'magnitude', 'longitude', 'latitude', 'depth_km', 'place']),
    );
    expect(catalog.source('usgs-earthquakes').dataset).toBe('earthquakes');
  });

  it('reports an unknown source by code, naming the known ones', () => {
    const catalog = DefinitionCatalog.build(BUILTIN_DEFINITIONS);
    expect(() => catalog.source('nope')).toThrow(expect.objectContaining({ code: 'UNKNOWN_SOURCE', message: expect.stringContaining('usgs-earthquakes') }));
  });

  it('lists every problem of every definition at once', () => {
    const broken = {
      ...usgs,
      name: 'broken',
      request: { url: 'https://x.test/{feed}/{missing}', params: { feed: 'a' }, intervalMs: 5 },
      mapping: [
        { column: 'event_id', path: 'id', expr: 'x' },
        { column: 'not_a_column', path: 'id' },
        { column: 'event_time', path: 'properties.time' },
      ],
    };
    const error = buildError({ sources: [{ origin: 'broken.json', definition: broken }], datasets: BUILTIN_DEFINITIONS.datasets });
    expect(error.code).toBe('INVALID_DEFINITION');
    expect(error.problems).toEqual([expect.stringContaining('request.intervalMs')]);
  });

  it('cross-checks a valid-looking source against its dataset', () => {
    const broken = {
      ...usgs,
      name: 'broken',
      request: { url: 'https://x.test/{feed}/{missing}', params: { feed: 'a' }, intervalMs: 60000 },
      key: ['$context.nowhere'],
      mapping: [
        { column: 'event_id', path: 'id', expr: 'x' },
        { column: 'not_a_column', path: 'id' },
        { column: 'event_time', path: 'properties.time' },
      ],
    };
    const error = buildError({ sources: [{ origin: 'broken.json', definition: broken }], datasets: BUILTIN_DEFINITIONS.datasets });
    const text = error.problems.join('\n');
    expect(text).toContain('mapping[0] (event_id): give exactly one of "path" or "expr"');
    expect(text).toContain('mapping[1] (not_a_column): dataset earthquakes has no such column');
    expect(text).toContain('mapping[2] (event_time): a timestamp read by "path" needs "format"');
    expect(text).toContain('required column "updated_at" is not mapped');
    expect(text).toContain('{missing} has no default');
    expect(text).toContain('context field "nowhere"');
  });

  it('rejects a source whose dataset does not exist and duplicate names', () => {
    const error = buildError({
      sources: [
        { origin: 'a.json', definition: { ...usgs, dataset: 'ghosts' } },
        { origin: 'b.json', definition: { ...usgs, dataset: 'ghosts' } },
      ],
      datasets: BUILTIN_DEFINITIONS.datasets,
    });
    expect(error.problems).toEqual(['source (b.json): name "usgs-earthquakes" is defined twice', 'source usgs-earthquakes: dataset "ghosts" is not defined (datasets: earthquakes, weather_hourly, recentchange, stream_gaps)']);
  });
});

const recentchange = BUILTIN_DEFINITIONS.sources.find((s) => s.origin.includes('wikimedia'))?.definition as Record<string, unknown>;

describe('DefinitionCatalog with stream and internal sources', () => {
  const catalog = DefinitionCatalog.build(BUILTIN_DEFINITIONS);

  it('returns every kind from source(), and one kind from pollSource/streamSource/internalSource', () => {
    expect(catalog.source('wikimedia-recentchange').kind).toBe('stream');
    expect(catalog.streamSource('wikimedia-recentchange').stream).toMatchObject({ protocol: 'sse', resume: 'eventstreams' });
    expect(catalog.internalSource('stream-gaps').dataset).toBe('stream_gaps');
    expect(catalog.pollSource('usgs-earthquakes').request.intervalMs).toBe(60000);
    expect(() => catalog.pollSource('wikimedia-recentchange')).toThrow(expect.objectContaining({ code: 'WRONG_SOURCE_KIND' }));
    expect(() => catalog.streamSource('usgs-earthquakes')).toThrow(expect.objectContaining({ code: 'WRONG_SOURCE_KIND', message: expect.stringContaining('wikimedia-recentchange') }));
  });

  it('checks a stream definition against its protocol and dataset', () => {
    const broken = {
      ...recentchange,
      name: 'broken-stream',
      stream: { url: 'https://x.test/{feed}', protocol: 'websocket', resume: 'eventstreams', subscribe: ['{}'] },
      required: ['$context.x'],
    };
    const error = buildError({ sources: [{ origin: 'b.json', definition: broken }], datasets: BUILTIN_DEFINITIONS.datasets });
    const text = error.problems.join('\n');
    expect(text).toContain('stream.url placeholder {feed} has no default');
    expect(text).toContain('a websocket stream needs a ws(s) URL');
    expect(text).toContain('a websocket stream cannot resume');
    expect(text).toContain('stream sources do not have');
  });

  it('reports an unknown kind through the poll checks', () => {
    const error = buildError({ sources: [{ origin: 'k.json', definition: { ...recentchange, kind: 'carrier-pigeon' } }], datasets: BUILTIN_DEFINITIONS.datasets });
    expect(error.problems.join('\n')).toContain('kind must be one of the following values: poll');
  });
});
