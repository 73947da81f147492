import { SchemaError } from '../errors';
import { BUILTIN_DEFINITIONS } from './builtin-definitions';
import { DefinitionCatalog, type DefinitionInput } from './definition-catalog';
import { createRecordExtractor, JsonSyntaxError, ResponseExtraction, ResponseShapeError, type ExtractedRecord } from './extract-records';
import { JsonScanner } from './json-scanner';
import { resolveSourceInstance } from './source-instance';
import type { SourceDefinition } from './source-definition';
import { unmappedFields } from './unmapped-fields';

const dataset = {
  name: 'things',
  description: 'test',
  columns: [
    { name: 'id', type: 'string', required: true },
    { name: 'value', type: 'double' },
    { name: 'seen_at', type: 'timestamp' },
  ],
  partitionBy: 'seen_at',
  entityKey: ['id'],
  versionColumn: '_fetched_at',
};

function source(overrides: Record<string, unknown>): Record<string, unknown> {
  return {
    name: 'things-api',
    kind: 'poll',
    dataset: 'things',
    description: 'test',
    request: { url: 'https://api.test/things', intervalMs: 60000 },
    records: { path: '$', layout: 'rows' },
    key: ['id'],
    mapping: [{ column: 'id', path: 'id' }],
    ...overrides,
  };
}

function catalogOf(...sources: Record<string, unknown>[]): DefinitionCatalog {
  return DefinitionCatalog.build({ sources: sources.map((definition, i): DefinitionInput => ({ origin: `s${i}.json`, definition })), datasets: [{ origin: 'd.json', definition: dataset }] });
}

function problemsOf(input: { sources?: Record<string, unknown>[]; datasets?: Record<string, unknown>[] }): readonly string[] {
  try {
    DefinitionCatalog.build({
      sources: (input.sources ?? []).map((definition, i) => ({ origin: `s${i}.json`, definition })),
      datasets: (input.datasets ?? [dataset]).map((definition, i) => ({ origin: `d${i}.json`, definition })),
    });
  } catch (error) {
    if (error instanceof SchemaError) return error.problems;
    throw error;
  }
  return [];
}

/** Streams `body` through a ResponseExtraction in chunks of `size` bytes. */
function stream(definition: SourceDefinition, body: string, size: number, envelope: string[] = []) {
  const extraction = new ResponseExtraction(definition, { envelope, inventory: true });
  const bytes = Buffer.from(body, 'utf8');
  const records: ExtractedRecord[] = [];
  const rejected: string[] = [];
  for (let at = 0; at < bytes.length; at += size) {
    const batch = extraction.write(bytes.subarray(at, at + size));
    records.push(...batch.records);
    rejected.push(...batch.rejected.map((r) => r.reason));
  }
  const last = extraction.end();
  records.push(...last.records);
  rejected.push(...last.rejected.map((r) => r.reason));
  return { records, rejected, envelope: last.envelope, fields: [...extraction.fields()].sort() };
}

describe('issue 10: record shapes', () => {
  it('names the positions of array records (OpenSky states) and reads paths that start with an index', () => {
    const catalog = catalogOf(
      source({ name: 'named', records: { path: 'states', fields: ['icao24', 'callsign', 'country'] }, key: ['icao24'] }),
      source({ name: 'indexed', records: { path: 'states' }, key: ['[0]'], mapping: [{ column: 'id', path: '[0]' }] }),
    );
    const body = JSON.stringify({ time: 1518552809, states: [['ac96b8', 'AAL2423 ', 'United States', 99], ['7c6b2d', null, 'Australia']] });
    const named = stream(catalog.pollSource('named'), body, 7);
    expect(named.records.map((r) => [r.key, r.record])).toEqual([
      ['ac96b8', '{"icao24":"ac96b8","callsign":"AAL2423 ","country":"United States","_3":99}'],
      ['7c6b2d', '{"icao24":"7c6b2d","callsign":null,"country":"Australia"}'],
    ]);
    expect(named.fields).toEqual(['_3', 'callsign', 'country', 'icao24']);
    const indexed = stream(catalog.pollSource('indexed'), body, 3);
    expect(indexed.records.map((r) => r.key)).toEqual(['ac96b8', '7c6b2d']);
  });

  it('turns an object keyed by record into records, the member name becoming a field (CoinGecko)', () => {
    const catalog = catalogOf(source({ records: { path: '$', layout: 'keyed', keyField: 'coin' }, key: ['coin'] }));
    const body = '{\n  "bitcoin": { "usd": 5005.73, "myr": 20474 },\n  "ethereum": { "usd": 163.58, "myr": 669.07 }\n}\n';
    const { records } = stream(catalog.pollSource('things-api'), body, 5);
    expect(records.map((r) => r.record)).toEqual(['{"coin":"bitcoin","usd":5005.73,"myr":20474}', '{"coin":"ethereum","usd":163.58,"myr":669.07}']);
    expect(createRecordExtractor(catalog.pollSource('things-api'))(JSON.parse(body)).records).toEqual(records);
  });

  it('explodes a nested array, carrying parent fields along', () => {
    const catalog = catalogOf(
      source({ records: { path: 'stations', explode: { path: 'readings', carry: ['id', 'place.name'], as: 'station' } }, key: ['station.id', 'at'], version: ['rev', 'at'] }),
    );
    const body = JSON.stringify({ stations: [{ id: 's1', place: { name: 'Jacareí' }, readings: [{ at: 1, v: 2.5 }, { at: 2, v: 3, rev: 'r2' }] }, { id: 's2', readings: [] }] });
    const { records } = stream(catalog.pollSource('things-api'), body, 11);
    expect(records.map((r) => [r.key, r.version, r.record])).toEqual([
      ['["s1",1]', '1', '{"at":1,"v":2.5,"station":{"id":"s1","place_name":"Jacareí"}}'],
      ['["s1",2]', 'r2', '{"at":2,"v":3,"rev":"r2","station":{"id":"s1","place_name":"Jacareí"}}'],
    ]);
  });

  it('reads an NDJSON body line by line; a line that is not JSON is rejected alone', () => {
    const catalog = catalogOf(source({ records: { path: '$', format: 'ndjson' }, key: ['username'] }));
    const body = '{"rank":1,"username":"GGbers"}\n\n{"rank":2,"username":"Kondor75"}\nnot json\n{"rank":3,"username":"sadisticTushi"}';
    const { records, rejected } = stream(catalog.pollSource('things-api'), body, 4);
    expect(records.map((r) => r.key)).toEqual(['GGbers', 'Kondor75', 'sadisticTushi']);
    expect(rejected).toEqual([expect.stringContaining('line 4 is not JSON')]);
  });

  it('streams columnar layouts, context fields after the records, and envelope values (a cursor)', () => {
    const catalog = DefinitionCatalog.build(BUILTIN_DEFINITIONS);
    const meteo = catalog.pollSource('open-meteo-forecast');
    const response = { hourly: { time: ['2025-10-29T00:00', '2025-10-29T01:00'], temperature_2m: [17.1, 16.8] }, latitude: -23.25, longitude: -46, elevation: 600, utc_offset_seconds: 0 };
    const streamed = stream(meteo, JSON.stringify(response), 9);
    expect(streamed.records).toEqual(createRecordExtractor(meteo)(response).records);
    expect(streamed.records[0]?.context).toBe('{"latitude":-23.25,"longitude":-46,"elevation":600,"utc_offset_seconds":0}');

    const paged = catalogOf(source({ records: { path: 'data' }, request: { url: 'https://api.test/things', intervalMs: 60000, paging: { type: 'cursor', cursorPath: 'meta.next', param: 'cursor' } } }));
    const page = stream(paged.pollSource('things-api'), '{"data":[{"id":"a"}],"meta":{"next":"c2","total":3}}', 6, ['meta.next']);
    expect(page.envelope.get('meta.next')).toBe('c2');
  });

  it('gives the same records as JSON.parse for the recorded USGS response, whatever the chunk size', () => {
    const catalog = DefinitionCatalog.build(BUILTIN_DEFINITIONS);
    const usgs = catalog.pollSource('usgs-earthquakes');
    const response = {
      type: 'FeatureCollection',
      metadata: { generated: 1746366777000, title: 'USGS "All" \\ Earthquakes, Past Day ✓' },
      features: [
        { type: 'Feature', properties: { mag: 1.2, time: 1746366018110, updated: 1746366118110, place: '5 km N of Pāhala, Hawaii' }, geometry: { type: 'Point', coordinates: [-155.48, 19.24, 31.2] }, id: 'hv74' },
        { type: 'Feature', properties: { mag: -0.5e-1, time: 1746366018111, updated: 1746366118111, place: null }, geometry: { type: 'Point', coordinates: [1, 2, 3] }, id: 'ci41' },
      ],
      bbox: [-155.48, 1, 2, 3, 4, 31.2],
    };
    const body = JSON.stringify(response, null, 2);
    const expected = createRecordExtractor(usgs)(response).records;
    for (const size of [1, 2, 3, 17, 64, 4096]) expect(stream(usgs, body, size).records).toEqual(expected);
  });

  it('rejects broken bodies and records that are not where the definition says', () => {
    const usgs = DefinitionCatalog.build(BUILTIN_DEFINITIONS).pollSource('usgs-earthquakes');
    for (const broken of ['{"features":[{"id":"a"}', '{"features":[{"id":"a"},]}', '{"features":[tru]}', '', '{"a" 1}', '{"features":[]} x']) {
      expect(() => stream(usgs, broken, 3)).toThrow(JsonSyntaxError);
    }
    expect(() => stream(usgs, '{"features":{"id":"a"}}', 3)).toThrow(ResponseShapeError);
    expect(() => stream(usgs, '{"type":"FeatureCollection"}', 3)).toThrow(ResponseShapeError);
  });

  it('scans without keeping what it is not asked for', () => {
    const scanner = new JsonScanner([{ id: 'x', path: ['a', 1], mode: 'value' }]);
    const values = [...scanner.write(Buffer.from('{"b":[1,{"a":[0,1]}],"a":["zero",{"k":"v\\"}"}],"c":true}')), ...scanner.end()];
    expect(values).toEqual([{ target: 'x', member: undefined, value: { k: 'v"}' } }]);
  });
});

describe('issue 10: identity', () => {
  it('takes the first non-null version of a list, else a content hash', () => {
    const catalog = catalogOf(source({ version: ['updated_at', 'created_at'] }));
    const { records } = createRecordExtractor(catalog.pollSource('things-api'))([{ id: 'a', updated_at: null, created_at: 5 }, { id: 'b', updated_at: 7, created_at: 5 }, { id: 'c' }]);
    expect(records.map((r) => r.version)).toEqual(['5', '7', expect.stringMatching(/^[0-9a-f]{32}$/)]);
  });

  it('reports the fields the records hold that the definition does not read', () => {
    const usgs = DefinitionCatalog.build(BUILTIN_DEFINITIONS).pollSource('usgs-earthquakes');
    expect(unmappedFields(usgs, ['id', 'properties.mag', 'properties.tz', 'geometry.coordinates', 'geometry.type', 'properties.tsunami', 'properties.new_field'])).toEqual(['properties.new_field']);
  });
});

describe('issue 10: one message per definition mistake', () => {
  it('a missing key is one message', () => {
    const { key: _key, ...withoutKey } = source({});
    expect(problemsOf({ sources: [withoutKey] })).toEqual(['source (s0.json): key: key is required: the paths whose values identify a record, e.g. ["id"] or ["station", "time"]']);
  });

  it('a dataset with a bad type is reported once, not again as "not defined" by its source', () => {
    const problems = problemsOf({ sources: [source({})], datasets: [{ ...dataset, columns: [{ name: 'id', type: 'text' }] }] });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^dataset \(d0\.json\): columns\.0\.type: type must be one of the following values/);
  });

  it('checks shapes, paging and secrets placeholders with one message each', () => {
    const problems = problemsOf({
      sources: [
        source({
          request: { url: 'https://api.test/${env:TOKEN}/x?key=${env:lower}', intervalMs: 60000, paging: { type: 'cursor' }, headers: { Authorization: 'Bearer ${env:API_TOKEN}' } },
          records: { path: 'data', format: 'ndjson', keyField: 'k' },
        }),
      ],
    });
    expect(problems).toEqual([
      'source things-api: records.path: an ndjson body has one record per line: use "$"',
      'source things-api: request.paging: an ndjson body has no envelope to read a cursor from (use "link", "page" or "offset")',
      'source things-api: records.keyField applies to the "keyed" layout only',
      'source things-api: request.paging: a "cursor" paging needs "cursorPath" (where the next cursor is) and "param" (the query parameter carrying it)',
      'source things-api: request.url: "${env:lower}" is not a valid placeholder: write ${env:NAME} with NAME in uppercase letters, digits and "_"',
      'source things-api: request.url: ${env:…} may appear only in the query string (logs show the path); put it in a query parameter or a header',
    ]);
  });

  it('fills secrets from the environment; a missing variable is one configuration error', () => {
    const catalog = catalogOf(
      source({ request: { url: 'https://api.test/things?key=${env:API_KEY}&q={q}', params: { q: '${env:API_KEY}' }, headers: { 'x-api-key': '${env:API_KEY}' }, intervalMs: 60000 } }),
    );
    const instance = resolveSourceInstance(catalog, 'things-api', undefined, { API_KEY: 's3cr&t' });
    expect(instance.url).toBe('https://api.test/things?key=s3cr%26t&q=s3cr%26t');
    expect(instance.headers).toEqual({ 'x-api-key': 's3cr&t' });
    expect(() => resolveSourceInstance(catalog, 'things-api', undefined, {})).toThrow(
      expect.objectContaining({
        code: 'INVALID_CONFIG',
        problems: ['environment variable API_KEY is not set (request.url and request.params.q and request.headers.x-api-key read it as ${env:API_KEY})'],
      }),
    );
  });
});
