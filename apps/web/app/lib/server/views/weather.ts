import type { WeatherLocation, WeatherView } from '../../definitions';
import { num, str, tsLiteral, type LakeData } from '../lake-data';
import type { CuratedTable } from '../table-listing';

export const WEATHER = 'weather_hourly';
const WEATHER_VIEW_KEY = 'weather';
/** Hours shown: the last ten days of valid times (forecasts included). */
const HOURS_SHOWN = 240;

/**
 * Open-Meteo hourly temperature: the latest revision (newest `_fetched_at`) per location and hour, from
 * the catalog's `weather_hourly_latest` view (or the same window function over the table when the view
 * is missing). The chart's window (the last `HOURS_SHOWN` hours of valid times, its end from the table's
 * column statistics) filters on `valid_time`, the table's partition column, so only its days are read.
 */
export async function weatherView(lake: LakeData): Promise<WeatherView> {
  const dataset = await lake.dataset(WEATHER);
  return lake.cached(`view:${WEATHER_VIEW_KEY}`, dataset.signature, async () => {
    const latest = (table: CuratedTable, where: string) =>
      table.latest !== null
        ? `(SELECT * FROM ${table.latest} WHERE ${where})`
        : `(SELECT * FROM ${table.source} WHERE ${where} QUALIFY row_number() OVER (PARTITION BY latitude, longitude, valid_time ORDER BY _fetched_at DESC) = 1)`;
    const summary = await lake.load(dataset, async (table) => {
      const [row] = await lake.query<Record<string, unknown>>(
        `SELECT count(DISTINCT (latitude, longitude))::INTEGER AS locations, count(DISTINCT valid_time)::INTEGER AS hours, count(*)::INTEGER AS revisions,
                min(temperature_c) AS min_t, max(temperature_c) AS max_t, min(valid_time) AS first_hour, max(valid_time) AS last_hour, max(_fetched_at) AS fetched
         FROM ${table.source}`,
      );
      if (row === undefined || row['revisions'] === 0) return null;
      return {
        locations: num(row['locations']) ?? 0,
        hours: num(row['hours']) ?? 0,
        revisions: num(row['revisions']) ?? 0,
        minTemperatureC: num(row['min_t']),
        maxTemperatureC: num(row['max_t']),
        firstHour: str(row['first_hour']),
        lastHour: str(row['last_hour']),
        lastFetchedAt: str(row['fetched']),
      };
    });
    const temperature = await lake.load(dataset, async (table) => {
      const [span] = await lake.query<{ last_hour: string | null }>(`SELECT max(valid_time) AS last_hour FROM ${table.source}`);
      if (span?.last_hour == null) return null;
      const rows = await lake.query<{ latitude: number; longitude: number; elevation_m: number | null; valid_time: string; temperature_c: number | null }>(
        `SELECT latitude, longitude, elevation_m, valid_time, temperature_c FROM ${latest(table, `valid_time > ${tsLiteral(span.last_hour)} - INTERVAL ${HOURS_SHOWN} HOUR`)}
         ORDER BY valid_time, latitude, longitude`,
      );
      if (rows.length === 0) return null;
      const locations = new Map<string, WeatherLocation>();
      const points = new Map<string, Record<string, number | null>>();
      for (const row of rows) {
        const id = `${row.latitude.toFixed(3)},${row.longitude.toFixed(3)}`;
        if (!locations.has(id)) locations.set(id, { id, latitude: row.latitude, longitude: row.longitude, elevationM: num(row.elevation_m) });
        const point = points.get(row.valid_time) ?? {};
        point[id] = num(row.temperature_c);
        points.set(row.valid_time, point);
      }
      return { locations: [...locations.values()], points: [...points.entries()].map(([at, values]) => ({ at, values })) };
    });
    return { key: WEATHER_VIEW_KEY, summary, temperature };
  });
}
