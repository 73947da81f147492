/**
 * Loads the recorded USGS summary-feed polls: every `<feed>_<yyyymmddThhmmssZ>.geojson` under
 * `usgs/<recording>/`, grouped by feed and ordered by `metadata.generated`.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ReplayError } from '../errors';
import { type RecordedResponse, recordedResponse } from './recorded-response';

export interface UsgsFeedRecording {
  /** Feed name as in the URL, e.g. `all_day`. */
  readonly feed: string;
  /** Polls in chronological order. */
  readonly polls: readonly RecordedResponse[];
}

const FILE_PATTERN = /^([a-z0-9_]+?)_(\d{8}T\d{6}Z)\.geojson$/;

function generatedMs(json: unknown, file: string): number {
  const metadata = typeof json === 'object' && json !== null ? (json as { metadata?: { generated?: unknown } }).metadata : undefined;
  const generated = metadata?.generated;
  if (typeof generated !== 'number') {
    throw new ReplayError('FIXTURE_INVALID', `${file}: metadata.generated is not a number`, { file });
  }
  return generated;
}

export async function loadUsgsFeeds(fixturesDir: string): Promise<UsgsFeedRecording[]> {
  const root = join(fixturesDir, 'usgs');
  let recordings: string[];
  try {
    recordings = (await readdir(root, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch (error: unknown) {
    throw new ReplayError('FIXTURE_MISSING', `no USGS fixtures at ${root}`, { file: root }, { cause: error });
  }
  const byFeed = new Map<string, RecordedResponse[]>();
  for (const recording of recordings.sort()) {
    for (const name of (await readdir(join(root, recording))).sort()) {
      const match = FILE_PATTERN.exec(name);
      const feed = match?.[1];
      if (feed === undefined) continue;
      const file = join('usgs', recording, name);
      const body = await readFile(join(fixturesDir, file));
      let json: unknown;
      try {
        json = JSON.parse(body.toString('utf8'));
      } catch (error: unknown) {
        throw new ReplayError('FIXTURE_INVALID', `${file}: not JSON`, { file }, { cause: error });
      }
      const polls = byFeed.get(feed) ?? [];
      polls.push(recordedResponse(body, generatedMs(json, file), file));
      byFeed.set(feed, polls);
    }
  }
  if (byFeed.size === 0) throw new ReplayError('FIXTURE_MISSING', `no *.geojson polls under ${root}`, { file: root });
  return [...byFeed.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([feed, polls]) => ({ feed, polls: polls.sort((a, b) => a.producedMs - b.producedMs) }));
}
