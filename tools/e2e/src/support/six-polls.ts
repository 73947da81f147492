import type { ReplayServer } from '@fluxo/replay-api';

/**
 * The end-to-end tests' reference workload: the six recorded USGS `all_day` polls the replay server
 * serves in turn (fixtures with provenance), 1,161 rows that hold 217 distinct (id, updated)
 * versions of 200 events. Every pipeline variant must curate exactly these counts.
 */
export const SIX_POLLS_SOURCES = 'usgs-earthquakes?feed=all_day&intervalMs=300';

/** The curated table once the six polls are in: rows, distinct versions, distinct events. */
export const SIX_POLLS_EXPECTED = { rows: 217, versions: 217, events: 200 } as const;

const ALL_DAY_PATH = '/earthquakes/feed/v1.0/summary/all_day.geojson';

/** How many `all_day` responses the replay server has served (6 once every recording was polled). */
export function allDayServed(replay: ReplayServer): number {
  return replay.state().endpoints.find((endpoint) => endpoint.path === ALL_DAY_PATH)?.served ?? 0;
}
