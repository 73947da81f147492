// @ts-check
/**
 * A generator of earthquake features shaped like the recorded USGS responses: every field is drawn
 * from the empirical distribution of the recorded features (`/work/shared/fixtures/usgs/…`, or the
 * copy the replay API ships), never invented. Ids are unique; a seed makes a data set reproducible.
 *
 * Each generated feature combines three recorded "donors", drawn independently:
 *  - location donor: network, place, coordinates (jittered by up to ±0.05°), tz;
 *  - size donor:     mag (±0.05 jitter), magType, sig, felt/cdi/mmi/alert, nst, dmin, rms, gap, tsunami;
 *  - review donor:   status and the delay between origin time and last update.
 * Depth comes from the empirical depth distribution (another donor, ±5 % jitter).
 * So marginal distributions match the recordings while the joint one is plausibly mixed.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../lib/paths.mjs';

const FIXTURE_DIRS = [
  '/work/shared/fixtures/usgs/sudo-ivan-2025-05-04',
  join(ROOT, 'tools', 'replay-api', 'fixtures', 'usgs', 'sudo-ivan-2025-05-04'),
];

/** @typedef {{ type: string, properties: Record<string, any>, geometry: { type: string, coordinates: number[] }, id: string }} Feature */

/** Distinct recorded features (last version of each id), sorted by id for determinism. */
export function loadRecordedFeatures() {
  const dir = FIXTURE_DIRS.find((candidate) => existsSync(candidate));
  if (dir === undefined) throw new Error(`No recorded USGS responses found in ${FIXTURE_DIRS.join(' or ')}`);
  /** @type {Map<string, Feature>} */
  const byId = new Map();
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.geojson')).sort()) {
    const doc = JSON.parse(readFileSync(join(dir, name), 'utf8'));
    for (const feature of doc.features) byId.set(feature.id, feature);
  }
  return { dir, features: [...byId.values()].sort((a, b) => a.id.localeCompare(b.id)) };
}

/** mulberry32: small, fast, seedable. @param {number} seed */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** @param {number} value @param {number} digits */
const round = (value, digits) => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * Returns `next(eventTimeMs)` → a new feature with a unique id whose origin time is `eventTimeMs`.
 * @param {{ seed: number, idPrefix?: string }} options
 */
export function earthquakeGenerator({ seed, idPrefix = 'b' }) {
  const { features } = loadRecordedFeatures();
  const random = prng(seed);
  /** @param {readonly Feature[]} list */
  const pick = (list) => /** @type {Feature} */ (list[Math.floor(random() * list.length)]);
  let counter = 0;
  return (/** @type {number} */ eventTimeMs) => {
    const where = pick(features);
    const size = pick(features);
    const review = pick(features);
    const deep = pick(features);
    const net = where.properties.net;
    const code = `${idPrefix}${String(counter++).padStart(9, '0')}`;
    const id = `${net}${code}`;
    const updateDelay = Math.max(1000, review.properties.updated - review.properties.time);
    const mag = size.properties.mag === null ? null : round(size.properties.mag + (random() - 0.5) * 0.1, 2);
    const [lon, lat] = where.geometry.coordinates;
    const depth = round((deep.geometry.coordinates[2] ?? 10) * (0.95 + random() * 0.1), 2);
    return /** @type {Feature} */ ({
      type: 'Feature',
      properties: {
        ...size.properties,
        mag,
        place: where.properties.place,
        time: eventTimeMs,
        updated: eventTimeMs + Math.floor(updateDelay * (0.9 + random() * 0.2)),
        tz: where.properties.tz,
        url: `https://earthquake.usgs.gov/earthquakes/eventpage/${id}`,
        detail: `https://earthquake.usgs.gov/earthquakes/feed/v1.0/detail/${id}.geojson`,
        status: review.properties.status,
        net,
        code,
        ids: `,${id},`,
        sources: `,${net},`,
        types: where.properties.types,
        title: `M ${mag === null ? '?' : mag.toFixed(1)} - ${where.properties.place}`,
      },
      geometry: { type: 'Point', coordinates: [round((lon ?? 0) + (random() - 0.5) * 0.1, 4), round((lat ?? 0) + (random() - 0.5) * 0.1, 4), depth] },
      id,
    });
  };
}
