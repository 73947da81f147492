// Earthquake-like raw rows for the engine benchmark, generated from the committed USGS fixtures:
// every fixture feature is repeated with a fresh id, shifted times and jittered magnitude/depth.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURE_DIR = '/work/shared/fixtures/usgs/sudo-ivan-2025-05-04';

export function loadFeatures(dir = FIXTURE_DIR) {
  const features = [];
  let generated = 0;
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.geojson')).sort()) {
    const doc = JSON.parse(readFileSync(join(dir, name), 'utf8'));
    generated = doc.metadata.generated;
    features.push(...doc.features);
  }
  return { features, generated };
}

/** `count` raw rows: `{ key, version, eventTime, record, context }` (the RawRow shape). */
export function makeRawRows(count, dir = FIXTURE_DIR) {
  const { features, generated } = loadFeatures(dir);
  const rows = new Array(count);
  for (let i = 0; i < count; i++) {
    const base = features[i % features.length];
    const id = `${base.properties.net}${String(70000000 + i)}`;
    const time = base.properties.time - (i % 86400) * 1000;
    const updated = time + 120000 + (i % 997);
    const feature = {
      ...base,
      id,
      properties: {
        ...base.properties,
        time,
        updated,
        code: id.slice(2),
        ids: `,${id},`,
        mag: base.properties.mag === null ? null : Math.round((base.properties.mag + (i % 7) * 0.01) * 100) / 100,
      },
      geometry: { ...base.geometry, coordinates: [base.geometry.coordinates[0], base.geometry.coordinates[1], (i % 300) / 10] },
    };
    rows[i] = {
      key: id,
      version: String(updated),
      eventTime: new Date(time),
      record: JSON.stringify(feature),
      context: JSON.stringify({ url: 'https://earthquake.usgs.gov/earthquakes/feed/v1.0/summary/all_day.geojson', generated, api: '1.14.1' }),
    };
  }
  return rows;
}
