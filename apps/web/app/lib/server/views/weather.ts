import type { WeatherLocation, WeatherView } from '../../definitions';
import { num, str, type LakeData } from '../lake-data';

export const WEATHER = 'weather_hourly';
export const WEATHER_VIEW_KEY = 'weather';
/** Hours shown: the last ten days of valid times (forecasts included). */
const HOURS_SHOWN = 240;

/** Open-Meteo hourly temperature: the latest revision (newest `_fetched_at`) per location and hour. */
export async function weatherView(lake: LakeData): Promise<WeatherView> {
  const files = await lake.dataset(WEATHER);
  return lake.cached(`view:${WEATHER_VIEW_KEY}`, files.signature, async () => {
    const latest = (source: string) =>
      `(SELECT * FROM ${source} QUALIFY row_number() OVER (PARTITION BY latitude, longitude, valid_time ORDER BY _fetched_at DESC) = 1)`;
    const summary = await lake.load(files, async (source) => {
      const [row] = await lake.query<Record<string, unknown>>(
        `SELECT count(DISTINCT (latitude, longitude))::INTEGER AS locations, count(DISTINCT valid_time)::INTEGER AS hours, count(*)::INTEGER AS revisions,
                min(temperature_c) AS min_t, max(temperature_c) AS max_t, min(valid_time) AS first_hour, max(valid_time) AS last_hour, max(_fetched_at) AS fetched
         FROM ${source}`,
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
    const temperature = await lake.load(files, async (source) => {
      const rows = await lake.query<{ latitude: number; longitude: number; elevation_m: number | null; valid_time: string; temperature_c: number | null }>(
        `WITH l AS ${latest(source)}
         SELECT latitude, longitude, elevation_m, valid_time, temperature_c FROM l
         WHERE valid_time > (SELECT max(valid_time) FROM l) - INTERVAL ${HOURS_SHOWN} HOUR ORDER BY valid_time, latitude, longitude`,
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
