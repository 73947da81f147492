/**
 * Histogram buckets shared by every app, so the same family has the same buckets wherever it is
 * recorded (Prometheus can only aggregate histograms with identical bucket boundaries).
 */

/** 1 ms … ~33 s, doubling: Kafka round trips, HTTP requests, commits. */
export const DURATION_BUCKETS_SECONDS: readonly number[] = exponential(0.001, 2, 16);

/** 50 ms … ~1.7 h: end-to-end latency and lag, from a live trickle to a large backlog. */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200];

/** 1 KiB … 4 GiB, ×4: file sizes. */
export const SIZE_BUCKETS_BYTES: readonly number[] = exponential(1024, 4, 12);

/** 1 … ~16.7 M, ×4: rows per file, rows or files per batch. */
export const COUNT_BUCKETS: readonly number[] = exponential(1, 4, 13);

function exponential(start: number, factor: number, count: number): number[] {
  return Array.from({ length: count }, (_, index) => start * factor ** index);
}
