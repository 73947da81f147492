/**
 * Counters of one stream, logged as `stream stats` every FLUXO_STATS_INTERVAL_MS and at shutdown.
 * They add up: received = accepted + duplicates + malformed + ignored + discardedAtStop.
 */
export interface StreamStats {
  /** Messages received (events, malformed and oversized ones; not comments or heartbeats). */
  received: number;
  accepted: number;
  duplicates: number;
  malformed: number;
  /** Messages of an SSE event type the definition does not take. */
  ignored: number;
  gaps: number;
  batches: number;
  rowsWritten: number;
  bytesWritten: number;
  connects: number;
  reconnects: number;
  stalls: number;
  /** Times the bounded buffer filled and reading paused, and how long in total. */
  backpressurePauses: number;
  backpressurePausedMs: number;
  bufferDepth: number;
  bufferHighWater: number;
  flushFailures: number;
  /** Messages received while stopping, after the buffer closed: not checkpointed, so received again next run. */
  discardedAtStop: number;
}

export function newStreamStats(): StreamStats {
  return {
    received: 0,
    accepted: 0,
    duplicates: 0,
    malformed: 0,
    ignored: 0,
    gaps: 0,
    batches: 0,
    rowsWritten: 0,
    bytesWritten: 0,
    connects: 0,
    reconnects: 0,
    stalls: 0,
    backpressurePauses: 0,
    backpressurePausedMs: 0,
    bufferDepth: 0,
    bufferHighWater: 0,
    flushFailures: 0,
    discardedAtStop: 0,
  };
}
