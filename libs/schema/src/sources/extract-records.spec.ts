import { BUILTIN_DEFINITIONS } from './builtin-definitions';
import { DefinitionCatalog } from './definition-catalog';
import { createRecordExtractor, parseTime, ResponseShapeError } from './extract-records';

const catalog = DefinitionCatalog.build(BUILTIN_DEFINITIONS);

// Two features as the USGS feed returns them (values from the recorded all_day poll of 2025-05-04).
const usgsResponse = {
  type: 'FeatureCollection',
  metadata: { generated: 1746366777000, count: 2 },
  features: [
    {
      type: 'Feature',
      properties: { mag: 1.48, place: '16 km WSW of Johannesburg, CA', time: 1746366018110, updated: 1746366236183, tsunami: 0 },
      geometry: { type: 'Point', coordinates: [-117.8075, 35.3405, 8.83] },
      id: 'ci41144664',
    },
    { type: 'Feature', properties: { time: 1746365000000, updated: 1746365100000 }, geometry: null, id: 'nc75166411' },
    { type: 'Feature', properties: { time: 1, updated: 2 }, geometry: null },
  ],
};

describe('createRecordExtractor', () => {
  it('extracts USGS features with id as key and updated as version', () => {
    const { records, rejected } = createRecordExtractor(catalog.pollSource('usgs-earthquakes'))(usgsResponse);
    expect(records.map((r) => [r.key, r.version, r.eventTime?.toISOString()])).toEqual([
      ['ci41144664', '1746366236183', '2025-05-04T13:40:18.110Z'],
      ['nc75166411', '1746365100000', '2025-05-04T13:23:20.000Z'],
    ]);
    expect(JSON.parse(records[0]?.record ?? '')).toEqual(usgsResponse.features[0]);
    expect(records[0]?.context).toBeNull();
    expect(rejected).toEqual([{ record: JSON.stringify(usgsResponse.features[2]), reason: 'key id is missing or not a scalar' }]);
  });

  it('zips Open-Meteo hourly columns into rows, keeps the envelope as context, hashes a version', () => {
    const response = {
      latitude: -23.25,
      longitude: -46,
      elevation: 570,
      utc_offset_seconds: 0,
      timezone: 'GMT',
      hourly: { time: ['2025-10-29T00:00', '2025-10-29T01:00'], temperature_2m: [18.2, 17.9] },
    };
    const { records } = createRecordExtractor(catalog.pollSource('open-meteo-forecast'))(response);
    expect(records).toHaveLength(2);
    expect(JSON.parse(records[1]?.record ?? '')).toEqual({ time: '2025-10-29T01:00', temperature_2m: 17.9 });
    expect(records[1]?.key).toBe('[-23.25,-46,"2025-10-29T01:00"]');
    expect(records[1]?.eventTime?.toISOString()).toBe('2025-10-29T01:00:00.000Z');
    expect(JSON.parse(records[1]?.context ?? '')).toEqual({ latitude: -23.25, longitude: -46, elevation: 570, utc_offset_seconds: 0 });
    expect(records[1]?.version).toMatch(/^[0-9a-f]{32}$/);
    const revised = createRecordExtractor(catalog.pollSource('open-meteo-forecast'))({
      ...response,
      hourly: { ...response.hourly, temperature_2m: [18.2, 18.0] },
    });
    expect(revised.records[0]?.version).toBe(records[0]?.version);
    expect(revised.records[1]?.version).not.toBe(records[1]?.version);
  });

  it.each([
    [{ features: { not: 'an array' } }, 'usgs-earthquakes'],
    [{ hourly: { time: [1, 2], temperature_2m: [1] } }, 'open-meteo-forecast'],
    [null, 'usgs-earthquakes'],
  ])('raises ResponseShapeError for a drifted response %#', (response, source) => {
    expect(() => createRecordExtractor(catalog.pollSource(source))(response)).toThrow(ResponseShapeError);
  });
});

describe('parseTime', () => {
  it.each([
    [1746366018110, 'epoch_ms', '2025-05-04T13:40:18.110Z'],
    ['1746366018', 'epoch_s', '2025-05-04T13:40:18.000Z'],
    ['2025-10-29T01:00', 'iso8601', '2025-10-29T01:00:00.000Z'],
    ['2025-10-29T01:00-03:00', 'iso8601', '2025-10-29T04:00:00.000Z'],
  ] as const)('reads %p as %s', (value, format, iso) => {
    expect(parseTime(value, format)?.toISOString()).toBe(iso);
  });

  it.each([[null, 'epoch_ms'], ['soon', 'epoch_ms'], ['', 'epoch_s'], [42, 'iso8601'], ['yesterday', 'iso8601']] as const)(
    'gives null for %p (%s)',
    (value, format) => {
      expect(parseTime(value, format)).toBeNull();
    },
  );
});
