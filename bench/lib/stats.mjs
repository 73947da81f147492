// @ts-check
/** Medians and ranges over repeated runs, and percentiles over samples. */

/** @param {readonly number[]} values */
export function median(values) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? /** @type {number} */ (sorted[mid]) : (/** @type {number} */ (sorted[mid - 1]) + /** @type {number} */ (sorted[mid])) / 2;
}

/**
 * `{ median, min, max, runs }` of the non-null values (null when there are none).
 * @param {readonly (number | null | undefined)[]} values
 */
export function summary(values) {
  const present = /** @type {number[]} */ (values.filter((v) => typeof v === 'number' && Number.isFinite(v)));
  if (present.length === 0) return null;
  return { median: median(present), min: Math.min(...present), max: Math.max(...present), runs: present };
}

/**
 * Nearest-rank percentile of already sorted samples.
 * @param {readonly number[]} sorted @param {number} p 0–100
 */
export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return /** @type {number} */ (sorted[Math.min(sorted.length, rank) - 1]);
}

/** @param {number} value @param {number} [digits] */
export function round(value, digits = 0) {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
