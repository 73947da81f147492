import { TIME_WINDOWS, type EarthquakeFilter, type Loaded, type EarthquakeView, type QuakePoint, type QuakeRow } from '../../definitions';
import { num, str, tsLiteral, type LakeData } from '../lake-data';

export const EARTHQUAKES = 'earthquakes';

function earthquakeViewKey(filter: EarthquakeFilter): string {
  return `earthquakes?window=${filter.window}&minMagnitude=${filter.minMagnitude}`;
}

/** Bucket width of the "events over time" chart for a window. */
function bucketFor(window: EarthquakeFilter['window'], spanMs: number): number {
  const span = TIME_WINDOWS[window] ?? spanMs;
  if (span <= 3_600_000) return 5 * 60_000;
  if (span <= 6 * 3_600_000) return 15 * 60_000;
  if (span <= 2 * 86_400_000) return 3_600_000;
  if (span <= 8 * 86_400_000) return 6 * 3_600_000;
  return 86_400_000;
}

interface Bounds {
  readonly end: string;
  readonly start: string | null;
  readonly spanMs: number;
}

/**
 * How far before the window's start versions of an event are still read: a revision may move an event's
 * time a little (USGS refines origin times by seconds), and the latest version decides whether the event
 * is in the window. Versions further apart than this would be missed (never seen in USGS data).
 */
const REVISION_MARGIN = 'INTERVAL 1 DAY';

/**
 * The earthquakes page: latest version per event (`updated_at` wins), filtered by a time window that
 * ends at the newest event in the table (replayed recordings are old, so "now" would show nothing) and
 * by a minimum magnitude. The window's bounds come from the table's column statistics, and the window
 * (less `REVISION_MARGIN`) filters the table before the latest version is picked, so DuckLake reads only
 * the day partitions and files it covers.
 */
export async function earthquakeView(lake: LakeData, filter: EarthquakeFilter): Promise<EarthquakeView> {
  const dataset = await lake.dataset(EARTHQUAKES);
  const key = earthquakeViewKey(filter);
  return lake.cached(`view:${key}`, dataset.signature, async () => {
    const latestOf = (source: string, b: Bounds) =>
      `(SELECT *, count(*) OVER (PARTITION BY event_id) AS versions FROM ${source} ` +
      `${b.start === null ? '' : `WHERE event_time >= ${tsLiteral(b.start)} - ${REVISION_MARGIN} `}` +
      `QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY updated_at DESC, _fetched_at DESC) = 1)`;
    // min() and max() of a table column are answered from DuckLake's statistics: no data file is read.
    const bounds = await lake.load<Bounds>(dataset, async (table) => {
      const [row] = await lake.query<{ newest: string | null; oldest: string | null }>(`SELECT max(event_time) AS newest, min(event_time) AS oldest FROM ${table.source}`);
      if (row?.newest == null || row.oldest == null) return null;
      const windowMs = TIME_WINDOWS[filter.window];
      const end = row.newest;
      const start = windowMs === null ? null : new Date(Date.parse(end) - windowMs).toISOString();
      return { end, start, spanMs: Date.parse(end) - Date.parse(start ?? row.oldest) };
    });
    const where = (b: Bounds) =>
      [b.start === null ? 'TRUE' : `event_time >= ${tsLiteral(b.start)}`, filter.minMagnitude > -10 ? `coalesce(magnitude, -99) >= ${filter.minMagnitude}` : 'TRUE'].join(' AND ');
    const selected = (source: string, b: Bounds) => `(SELECT * FROM ${latestOf(source, b)} WHERE ${where(b)})`;
    const withBounds = async <T>(compute: (source: string, b: Bounds) => Promise<T | null>): Promise<Loaded<T>> =>
      bounds.ok
        ? lake.load<T>(dataset, (table) => compute(table.source, bounds.data), 'No earthquakes match these filters.')
        : { ok: false, problem: bounds.problem, warnings: bounds.warnings };

    const summary = await withBounds(async (source, b) => {
      const [row] = await lake.query<{ events: number; versions: number | null; max_mag: number | null }>(
        `SELECT count(*)::INTEGER AS events, sum(versions)::INTEGER AS versions, max(magnitude) AS max_mag FROM ${selected(source, b)}`,
      );
      return { events: row?.events ?? 0, versions: row?.versions ?? 0, maxMagnitude: num(row?.max_mag), windowEnd: b.end, windowStart: b.start };
    });
    const map = await withBounds(async (source, b) => {
      const rows = await lake.query<Record<string, unknown>>(
        `SELECT event_id, longitude, latitude, magnitude, depth_km, place, event_time FROM ${selected(source, b)} ORDER BY magnitude DESC NULLS LAST LIMIT 3000`,
      );
      return rows.length === 0 ? null : rows.map(toPoint);
    });
    const histogram = await withBounds(async (source, b) => {
      const rows = await lake.query<{ bin: number; count: number }>(
        `SELECT (floor(magnitude * 2) / 2)::DOUBLE AS bin, count(*)::INTEGER AS count FROM ${selected(source, b)} WHERE magnitude IS NOT NULL GROUP BY 1 ORDER BY 1`,
      );
      return rows.length === 0 ? null : rows.map((row) => ({ bin: row.bin, count: row.count }));
    });
    const timeline = await withBounds(async (source, b) => {
      const bucketMs = bucketFor(filter.window, b.spanMs);
      const rows = await lake.query<{ at: string; count: number }>(
        `SELECT to_timestamp(floor(epoch_ms(event_time) / ${bucketMs}) * ${bucketMs} / 1000) AS at, count(*)::INTEGER AS count FROM ${selected(source, b)} GROUP BY 1 ORDER BY 1`,
      );
      return rows.length === 0 ? null : { bucketMs, points: rows };
    });
    const latest = await withBounds(async (source, b) => {
      const rows = await lake.query<Record<string, unknown>>(
        `SELECT event_id, longitude, latitude, magnitude, magnitude_type, depth_km, place, status, event_time, updated_at, versions FROM ${selected(source, b)} ORDER BY event_time DESC, event_id LIMIT 25`,
      );
      return rows.length === 0 ? null : rows.map(toRow);
    });
    return { key, summary, map, histogram, timeline, latest };
  });
}

function toPoint(row: Record<string, unknown>): QuakePoint {
  return {
    eventId: String(row['event_id']),
    longitude: num(row['longitude']) ?? 0,
    latitude: num(row['latitude']) ?? 0,
    magnitude: num(row['magnitude']),
    depthKm: num(row['depth_km']),
    place: str(row['place']),
    eventTime: String(row['event_time']),
  };
}

function toRow(row: Record<string, unknown>): QuakeRow {
  return {
    ...toPoint(row),
    magnitudeType: str(row['magnitude_type']),
    status: str(row['status']),
    updatedAt: String(row['updated_at']),
    versions: num(row['versions']) ?? 1,
  };
}
