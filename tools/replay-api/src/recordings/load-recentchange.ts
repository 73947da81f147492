/**
 * Loads the recorded Wikimedia `recentchange` events (one JSON event per NDJSON line) and checks
 * the fields the stream relies on: `meta.{id,dt,topic,partition,offset}`, `timestamp` and `id`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ReplayError } from '../errors';

const RECENTCHANGE_FILE = 'wikimedia/recentchange_enwiki_edits_20230729.ndjson';

export interface RecentChangeMeta {
  id: string;
  dt: string;
  topic: string;
  partition: number;
  offset: number;
  [key: string]: unknown;
}

export interface RecentChangeEvent {
  meta: RecentChangeMeta;
  /** Recent-changes id. */
  id: number;
  /** Event time, epoch seconds. */
  timestamp: number;
  [key: string]: unknown;
}

export interface RecordedEvent {
  /** The recorded line, byte for byte. */
  readonly raw: string;
  readonly event: RecentChangeEvent;
}

function problemsOf(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return ['not an object'];
  const event = value as Partial<RecentChangeEvent>;
  const meta: Partial<RecentChangeMeta> = typeof event.meta === 'object' && event.meta !== null ? event.meta : {};
  const problems: string[] = [];
  if (typeof meta.id !== 'string') problems.push('meta.id');
  if (typeof meta.dt !== 'string' || Number.isNaN(Date.parse(meta.dt))) problems.push('meta.dt');
  if (typeof meta.topic !== 'string') problems.push('meta.topic');
  if (typeof meta.partition !== 'number') problems.push('meta.partition');
  if (typeof meta.offset !== 'number') problems.push('meta.offset');
  if (typeof event.timestamp !== 'number') problems.push('timestamp');
  if (typeof event.id !== 'number') problems.push('id');
  return problems;
}

export async function loadRecentChanges(fixturesDir: string): Promise<RecordedEvent[]> {
  let text: string;
  try {
    text = await readFile(join(fixturesDir, RECENTCHANGE_FILE), 'utf8');
  } catch (error: unknown) {
    throw new ReplayError('FIXTURE_MISSING', `missing ${RECENTCHANGE_FILE}`, { file: RECENTCHANGE_FILE }, { cause: error });
  }
  const events = text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((raw, index): RecordedEvent => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch (error: unknown) {
        throw new ReplayError('FIXTURE_INVALID', `${RECENTCHANGE_FILE}:${index + 1}: not JSON`, { file: RECENTCHANGE_FILE }, { cause: error });
      }
      const problems = problemsOf(parsed);
      if (problems.length > 0) {
        throw new ReplayError('FIXTURE_INVALID', `${RECENTCHANGE_FILE}:${index + 1}: missing or invalid ${problems.join(', ')}`, {
          file: RECENTCHANGE_FILE,
          problems,
        });
      }
      return { raw, event: parsed as RecentChangeEvent };
    });
  if (events.length === 0) throw new ReplayError('FIXTURE_INVALID', `${RECENTCHANGE_FILE} is empty`, { file: RECENTCHANGE_FILE });
  events.forEach((e, i) => {
    const previous = events[i - 1];
    if (previous !== undefined && e.event.meta.offset <= previous.event.meta.offset) {
      throw new ReplayError('FIXTURE_INVALID', `${RECENTCHANGE_FILE}:${i + 1}: meta.offset does not increase`, { file: RECENTCHANGE_FILE });
    }
  });
  return events;
}
