import type { Validators } from '../http/http-fetcher';

/** What ingest remembers about one source between polls. */
export interface SourceState {
  readonly stateVersion: 1;
  readonly source: string;
  /** The URL the validators belong to; a new URL (changed parameters) starts afresh. */
  readonly url: string;
  readonly validators: Validators;
  /** Record key → [last version announced, last time the feed showed the key (ms)]. */
  readonly seen: Readonly<Record<string, readonly [string, number]>>;
  /** Newest event time (ms) of a poll already announced: the incremental parameter starts from it. */
  readonly watermarkMs?: number;
}

/** The state change a poll makes, applied only after its file is announced. */
export interface PollUpdate {
  readonly url: string;
  readonly validators: Validators;
  /** Every key the response held, with the version it held. */
  readonly observed: readonly (readonly [string, string])[];
  readonly observedAtMs: number;
  /** Newest event time the poll saw, when the source has an incremental parameter. */
  readonly watermarkMs?: number;
}

export function emptyState(source: string, url: string): SourceState {
  return { stateVersion: 1, source, url, validators: {}, seen: {} };
}

/** Applies an announced poll, forgetting keys the feed has not shown for `ttlMs`. */
export function applyUpdate(state: SourceState, update: PollUpdate, ttlMs: number): SourceState {
  const seen: Record<string, readonly [string, number]> = {};
  const horizon = update.observedAtMs - ttlMs;
  for (const [key, entry] of Object.entries(state.seen)) if (entry[1] >= horizon) seen[key] = entry;
  for (const [key, version] of update.observed) seen[key] = [version, update.observedAtMs];
  const watermarkMs = Math.max(update.watermarkMs ?? Number.NEGATIVE_INFINITY, state.watermarkMs ?? Number.NEGATIVE_INFINITY);
  return { ...state, url: update.url, validators: update.validators, seen, ...(Number.isFinite(watermarkMs) ? { watermarkMs } : {}) };
}
