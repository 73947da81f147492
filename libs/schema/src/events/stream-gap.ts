/** Name of the internal source whose records are stream gaps (definitions/sources/stream-gaps.json). */
export const STREAM_GAPS_SOURCE = 'stream-gaps';

/**
 * Why a stream has a hole: `resume-refused` — the client sent its position and the server did not
 * continue from it (position too old, retention expired, server restarted); `no-resume-id` — the
 * stream carries no ids (or cannot resume, like WebSocket), so nothing could be asked for.
 */
export type StreamGapReason = 'resume-refused' | 'no-resume-id';

/**
 * One gap record, as stream-ingest writes it (raw JSON text of source `stream-gaps`, curated into
 * the `stream_gaps` dataset). Everything between the last event before and the first event after
 * may be missing; nothing was invented to fill it.
 */
export interface StreamGapRecord {
  /** Deterministic: the same gap detected again after a crash gets the same id. */
  readonly gap_id: string;
  /** The stream source the gap is in. */
  readonly stream: string;
  readonly reason: StreamGapReason;
  /** Event time of the last event received before the gap (ISO-8601 UTC), if known. */
  readonly gap_start: string | null;
  /** Event time of the first event received after the gap (ISO-8601 UTC), if known. */
  readonly gap_end: string | null;
  /** Stream position (SSE id) the client asked to resume from, if any. */
  readonly from_position: string | null;
  /** Stream position of the first event after the gap, if any. */
  readonly to_position: string | null;
  /** For Kafka-offset positions in one partition: offsets between the two events (an upper bound of missed events). */
  readonly positions_skipped: number | null;
  readonly detected_at: string;
  readonly url: string;
}
