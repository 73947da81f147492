import type { FileReference } from '@fluxo/schema';
import { type AppProcess, type LogLine, eventually, type PipelineHarness } from '@fluxo/e2e-harness';

export const RECENTCHANGE = 'wikimedia-recentchange';

/** Small, frequent batches and quick stall detection, so a test sees many files in a few seconds. */
export const FAST_STREAM_ENV: Record<string, string> = {
  FLUXO_BATCH_MAX_ROWS: '150',
  FLUXO_BATCH_MAX_AGE_MS: '1000',
  FLUXO_IDLE_FLUSH_MS: '300',
  FLUXO_STALL_TIMEOUT_MS: '3000',
  FLUXO_STATS_INTERVAL_MS: '0',
};

export const announced = (line: LogLine): boolean => line.msg === 'announced raw file';

/** Raw references of one source, each announcement once (a re-announcement after a crash reuses its event id). */
export function distinctReferences(references: readonly FileReference[], source: string): FileReference[] {
  return [...new Map(references.filter((ref) => ref.source === source).map((ref) => [ref.eventId, ref])).values()];
}

/** Waits until the n-th line matching `predicate` has been printed by `app`. */
export function nthLine(app: AppProcess, predicate: (line: LogLine) => boolean, n: number): Promise<number> {
  return eventually(async () => app.lines.filter(predicate).length, (count) => count >= n, `${app.name} printed ${n} matching lines`, 60_000);
}

/** Waits until the normalizer curated every row announced for `source` into `dataset`; returns that count. */
export async function everythingCurated(pipeline: PipelineHarness, source: string, dataset: string): Promise<number> {
  const settled = await eventually(
    async () => ({
      announced: distinctReferences(await pipeline.references('raw'), source).reduce((total, ref) => total + ref.rows, 0),
      curated: await pipeline.curatedCount(dataset),
    }),
    ({ announced: rows, curated }) => rows > 0 && rows === curated,
    `every announced ${source} row is curated into ${dataset}`,
  );
  return settled.curated;
}

const STAT_FIELDS = ['received', 'accepted', 'duplicates', 'malformed', 'ignored', 'discardedAtStop', 'gaps', 'batches', 'rowsWritten', 'reconnects', 'stalls', 'backpressurePauses'] as const;
export type StreamStatsLine = Record<(typeof STAT_FIELDS)[number], number>;

/** The counters of the last `stream stats` line an app printed (at shutdown). */
export function finalStats(app: AppProcess): StreamStatsLine {
  const lines = app.lines.filter((line) => line.msg === 'stream stats');
  const last = lines[lines.length - 1];
  if (last === undefined) throw new Error(`${app.name} printed no stream stats:\n${app.tail()}`);
  return Object.fromEntries(STAT_FIELDS.map((field) => [field, Number(last[field] ?? NaN)])) as StreamStatsLine;
}
