import type { RawRow } from '../raw-schema';

/** A valid earthquake-like raw row; override what the test is about. */
export function aRawRow(overrides: Partial<RawRow> = {}): RawRow {
  const id = overrides.key ?? 'ci41144664';
  return {
    key: id,
    version: '1746366236183',
    eventTime: new Date('2025-05-04T13:40:18.110Z'),
    record: JSON.stringify({
      type: 'Feature',
      id,
      properties: { mag: 1.48, place: '16 km WSW of Johannesburg, CA', time: 1746366018110, updated: 1746366236183 },
      geometry: { type: 'Point', coordinates: [-117.8075, 35.3405, 8.83] },
    }),
    context: JSON.stringify({ url: 'https://earthquake.usgs.gov/earthquakes/feed/v1.0/summary/all_day.geojson', api: '1.14.1' }),
    ...overrides,
  };
}

/** `count` distinct rows, one second apart from `start`. */
export function someRawRows(count: number, start = new Date('2025-05-04T00:00:00.000Z')): RawRow[] {
  return Array.from({ length: count }, (_, index) => {
    const key = `ci${String(41000000 + index)}`;
    return aRawRow({
      key,
      version: String(start.getTime() + index * 1000 + 500),
      eventTime: new Date(start.getTime() + index * 1000),
      record: JSON.stringify({ type: 'Feature', id: key, properties: { mag: (index % 60) / 10, time: start.getTime() + index * 1000 } }),
    });
  });
}
