import { TIME_WINDOWS, type EarthquakeFilter, type TimeWindow, type ViewPayload, type ViewRequest } from '../../definitions';
import type { LakeData } from '../lake-data';
import { datasetView } from './dataset';
import { EARTHQUAKES, earthquakeView } from './earthquakes';
import { WEATHER, weatherView } from './weather';
import { RECENTCHANGE, wikipediaView } from './wikipedia';

export const MAGNITUDE_CHOICES = [-10, 1, 2, 3, 4, 5] as const;
const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

type Params = Readonly<Record<string, string | string[] | undefined>>;

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Filters from the URL; anything unknown falls back to the defaults (24 h, any magnitude). */
export function parseEarthquakeFilter(params: Params): EarthquakeFilter {
  const window = first(params['window']);
  const magnitude = Number(first(params['minMagnitude']));
  return {
    window: window !== undefined && window in TIME_WINDOWS ? (window as TimeWindow) : '24h',
    minMagnitude: (MAGNITUDE_CHOICES as readonly number[]).includes(magnitude) ? magnitude : -10,
  };
}

/** The view a live stream feeds, from its query string; undefined when it names no known view. */
export function parseViewRequest(params: Params): ViewRequest | undefined {
  switch (first(params['view'])) {
    case undefined:
    case 'overview':
      return { view: 'overview' };
    case 'earthquakes':
      return { view: 'earthquakes', filter: parseEarthquakeFilter(params) };
    case 'weather':
      return { view: 'weather' };
    case 'wikipedia':
      return { view: 'wikipedia' };
    case 'datasets':
      return { view: 'datasets' };
    case 'dataset': {
      const dataset = first(params['dataset']);
      return dataset !== undefined && NAME.test(dataset) ? { view: 'dataset', dataset } : undefined;
    }
    default:
      return undefined;
  }
}

/** The datasets a view reads: a new file of one of them refreshes it. */
export function datasetsOf(request: ViewRequest): readonly string[] | 'all' {
  switch (request.view) {
    case 'overview':
    case 'datasets':
      return 'all';
    case 'earthquakes':
      return [EARTHQUAKES];
    case 'weather':
      return [WEATHER];
    case 'wikipedia':
      return [RECENTCHANGE];
    case 'dataset':
      return [request.dataset];
  }
}

/** The page data of a view, or undefined for views fed by the pipeline snapshot alone. */
export async function computeView(lake: LakeData, request: ViewRequest): Promise<ViewPayload | undefined> {
  switch (request.view) {
    case 'earthquakes':
      return earthquakeView(lake, request.filter);
    case 'weather':
      return weatherView(lake);
    case 'wikipedia':
      return wikipediaView(lake);
    case 'dataset':
      return datasetView(lake, request.dataset);
    case 'overview':
    case 'datasets':
      return undefined;
  }
}
