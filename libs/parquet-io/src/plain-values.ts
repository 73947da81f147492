import {
  DuckDBArrayValue,
  DuckDBBlobValue,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBListValue,
  DuckDBMapValue,
  DuckDBStructValue,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  type DuckDBValue,
} from '@duckdb/node-api';

/** What `ParquetEngine.all` returns for each cell: JSON-friendly except BLOBs. */
export type PlainValue = null | boolean | number | string | Uint8Array | readonly PlainValue[] | { readonly [key: string]: PlainValue };

/**
 * DuckDB value → plain JS value. The rules (documented in the README):
 * - integers: `number`; BIGINT/HUGEINT outside ±2^53−1 become a decimal `string` (never lossy).
 * - DECIMAL → `number` (double). FLOAT/DOUBLE → `number`.
 * - TIMESTAMP WITH TIME ZONE and TIMESTAMP (read as UTC) → ISO-8601 `string` ending in `Z`, with
 *   milliseconds (`2025-05-04T13:40:18.110Z`, same as `Date#toISOString`) or, when the value has
 *   sub-millisecond digits, micro/nanoseconds (`…18.110123Z`). ±infinity → `'infinity'`/`'-infinity'`.
 * - DATE → `'YYYY-MM-DD'`. BLOB → `Uint8Array`. LIST/ARRAY → arrays, STRUCT → objects,
 *   MAP → array of `{ key, value }`. Everything else (UUID, TIME, INTERVAL…) → its DuckDB string.
 */
export function toPlainValue(value: DuckDBValue): PlainValue {
  if (value === null || typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') {
    return value;
  }
  if (typeof value === 'bigint') return bigintToPlain(value);
  if (value instanceof DuckDBTimestampTZValue || value instanceof DuckDBTimestampValue) {
    return value.isFinite ? isoFromSubseconds(value.micros, 6) : infinityOf(value.micros);
  }
  if (value instanceof DuckDBTimestampMillisecondsValue) {
    return value.isFinite ? isoFromSubseconds(value.millis, 3) : infinityOf(value.millis);
  }
  if (value instanceof DuckDBTimestampSecondsValue) {
    return value.isFinite ? isoFromSubseconds(value.seconds, 0) : infinityOf(value.seconds);
  }
  if (value instanceof DuckDBTimestampNanosecondsValue) {
    return value.isFinite ? isoFromSubseconds(value.nanos, 9) : infinityOf(value.nanos);
  }
  if (value instanceof DuckDBDateValue) {
    return value.isFinite ? dateString(value.days) : infinityOf(BigInt(value.days));
  }
  if (value instanceof DuckDBDecimalValue) return value.toDouble();
  if (value instanceof DuckDBBlobValue) return value.bytes;
  if (value instanceof DuckDBListValue || value instanceof DuckDBArrayValue) return value.items.map(toPlainValue);
  if (value instanceof DuckDBStructValue) {
    const out: Record<string, PlainValue> = {};
    for (const [key, entry] of Object.entries(value.entries)) out[key] = toPlainValue(entry);
    return out;
  }
  if (value instanceof DuckDBMapValue) {
    return value.entries.map((entry) => ({ key: toPlainValue(entry.key), value: toPlainValue(entry.value) }));
  }
  return String(value);
}

function bigintToPlain(value: bigint): number | string {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
}

const MS_PER_DAY = 86_400_000;

function dateString(days: number): string {
  return new Date(days * MS_PER_DAY).toISOString().slice(0, 10);
}

/** ISO string for `count` units of 10^-digits seconds since the epoch. */
function isoFromSubseconds(count: bigint, digits: 0 | 3 | 6 | 9): string {
  const perMs = 10n ** BigInt(Math.max(digits - 3, 0));
  const msFactor = digits === 0 ? 1000n : 1n;
  // floor division, so instants before 1970 keep a positive sub-millisecond remainder
  let ms = (count * msFactor) / perMs;
  if (ms * perMs > count * msFactor) ms -= 1n;
  const remainder = count * msFactor - ms * perMs;
  let iso: string;
  try {
    iso = new Date(Number(ms)).toISOString();
  } catch {
    return count.toString(); // beyond Date's ±275,760 years: keep the raw count rather than lie
  }
  if (remainder === 0n) return iso;
  const extra = remainder.toString().padStart(digits - 3, '0').replace(/0+$/, '');
  const pad = extra.length <= 3 ? 3 : 6;
  return `${iso.slice(0, -1)}${extra.padEnd(pad, '0')}Z`;
}

function infinityOf(raw: bigint): string {
  return raw > 0n ? 'infinity' : '-infinity';
}
