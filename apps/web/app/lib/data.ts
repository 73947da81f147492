import 'server-only';
import { cache } from 'react';
import type { DatasetInfo, DatasetView, EarthquakeFilter, EarthquakeView, PipelineSnapshot, WeatherView, WikipediaView } from './definitions';
import { webRuntime } from './server/runtime';
import { datasetList, datasetView } from './server/views/dataset';
import { earthquakeView } from './server/views/earthquakes';
import { weatherView } from './server/views/weather';
import { wikipediaView } from './server/views/wikipedia';

export { parseEarthquakeFilter, MAGNITUDE_CHOICES } from './server/views/view-request';

/**
 * The data layer pages render from (server only: DuckDB and Kafka never reach the browser). Each call
 * is memoized per request with React's `cache`, so the widgets of one page share one computation.
 */
export const getPipelineSnapshot = cache((): Promise<PipelineSnapshot> => webRuntime().monitor.snapshot());

export const getEarthquakeView = cache((window: EarthquakeFilter['window'], minMagnitude: number): Promise<EarthquakeView> =>
  earthquakeView(webRuntime().lake, { window, minMagnitude }),
);

export const getWeatherView = cache((): Promise<WeatherView> => weatherView(webRuntime().lake));

export const getWikipediaView = cache((): Promise<WikipediaView> => wikipediaView(webRuntime().lake));

export const getDatasetView = cache((dataset: string): Promise<DatasetView> => datasetView(webRuntime().lake, dataset));

export const getDatasets = cache((): Promise<DatasetInfo[]> => datasetList(webRuntime().lake));

/** How long a browser may hear nothing before it calls its data stale (from configuration). */
export function staleAfterMs(): number {
  return webRuntime().config.staleAfterMs;
}
