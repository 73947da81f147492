import { getEarthquakeView } from '../../lib/data';
import type { EarthquakeFilter } from '../../lib/definitions';
import { LatestQuakes, MagnitudeHistogram, QuakeMap, QuakeSummary, QuakeTimeline } from './widgets';

const WIDGETS = { summary: QuakeSummary, map: QuakeMap, histogram: MagnitudeHistogram, timeline: QuakeTimeline, latest: LatestQuakes } as const;

/** Server side of one earthquakes widget: the view is computed once per request and shared. */
export async function EarthquakeWidget({ widget, filter }: { widget: keyof typeof WIDGETS; filter: EarthquakeFilter }) {
  const view = await getEarthquakeView(filter.window, filter.minMagnitude);
  const Widget = WIDGETS[widget];
  return <Widget initial={view} />;
}
