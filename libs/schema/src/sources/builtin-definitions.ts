import earthquakes from '../../definitions/datasets/earthquakes.json';
import recentchange from '../../definitions/datasets/recentchange.json';
import streamGapsDataset from '../../definitions/datasets/stream_gaps.json';
import weatherHourly from '../../definitions/datasets/weather_hourly.json';
import openMeteoForecast from '../../definitions/sources/open-meteo-forecast.json';
import streamGaps from '../../definitions/sources/stream-gaps.json';
import usgsEarthquakes from '../../definitions/sources/usgs-earthquakes.json';
import wikimediaRecentchange from '../../definitions/sources/wikimedia-recentchange.json';
import type { DefinitionInput } from './definition-catalog';

/** The definitions that ship with fluxo (libs/schema/definitions). Users add theirs as files. */
export const BUILTIN_DEFINITIONS: { readonly sources: readonly DefinitionInput[]; readonly datasets: readonly DefinitionInput[] } = {
  sources: [
    { origin: 'builtin:sources/usgs-earthquakes.json', definition: usgsEarthquakes },
    { origin: 'builtin:sources/open-meteo-forecast.json', definition: openMeteoForecast },
    { origin: 'builtin:sources/wikimedia-recentchange.json', definition: wikimediaRecentchange },
    { origin: 'builtin:sources/stream-gaps.json', definition: streamGaps },
  ],
  datasets: [
    { origin: 'builtin:datasets/earthquakes.json', definition: earthquakes },
    { origin: 'builtin:datasets/weather_hourly.json', definition: weatherHourly },
    { origin: 'builtin:datasets/recentchange.json', definition: recentchange },
    { origin: 'builtin:datasets/stream_gaps.json', definition: streamGapsDataset },
  ],
};
