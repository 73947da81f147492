/**
 * Exact readings of Arrow cells that apache-arrow's `get()` rounds: it turns microsecond timestamps
 * into float milliseconds and ignores a decimal's scale. These read the stored integers instead.
 */
import { DataType, TimeUnit, type Data, type Vector } from 'apache-arrow';
import { SparkConnectError } from './errors';

/** A TIMESTAMP or TIMESTAMP_NTZ cell as microseconds since the Unix epoch (UTC), or null. */
export function timestampMicros(vector: Vector, index: number): bigint | null {
  if (!DataType.isTimestamp(vector.type)) throw new SparkConnectError('INVALID_ARGUMENT', `timestampMicros needs a Timestamp column, got ${String(vector.type)}`);
  const cell = locate(vector, index);
  if (cell === undefined) return null;
  const raw = BigInt((cell.data.values as BigInt64Array)[cell.offset] ?? 0n);
  switch (vector.type.unit) {
    case TimeUnit.SECOND:
      return raw * 1_000_000n;
    case TimeUnit.MILLISECOND:
      return raw * 1_000n;
    case TimeUnit.MICROSECOND:
      return raw;
    case TimeUnit.NANOSECOND:
      return raw / 1_000n;
  }
}

/** A DECIMAL cell as a decimal string with exactly its scale (`-123.45`, `0.50`), or null. */
export function decimalString(vector: Vector, index: number): string | null {
  if (!DataType.isDecimal(vector.type)) throw new SparkConnectError('INVALID_ARGUMENT', `decimalString needs a Decimal column, got ${String(vector.type)}`);
  const cell = locate(vector, index);
  if (cell === undefined) return null;
  const words = vector.type.bitWidth / 32;
  const values = cell.data.values as Uint32Array;
  let unscaled = 0n;
  for (let word = words - 1; word >= 0; word -= 1) unscaled = (unscaled << 32n) | BigInt(values[cell.offset * words + word] ?? 0);
  const bits = BigInt(vector.type.bitWidth);
  if (unscaled >= 1n << (bits - 1n)) unscaled -= 1n << bits;
  return withScale(unscaled, vector.type.scale);
}

/** `2024-02-29T12:34:56.123456Z` for microseconds since the epoch. */
export function isoMicros(micros: bigint): string {
  const ms = micros / 1000n - (micros % 1000n < 0n ? 1n : 0n);
  const subMs = micros - ms * 1000n;
  const iso = new Date(Number(ms)).toISOString();
  return `${iso.slice(0, -1)}${subMs.toString().padStart(3, '0')}Z`;
}

function withScale(unscaled: bigint, scale: number): string {
  if (scale <= 0) return (unscaled * 10n ** BigInt(-scale)).toString();
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

/** The chunk and position holding row `index`, or undefined when the cell is null. */
function locate(vector: Vector, index: number): { data: Data; offset: number } | undefined {
  if (!Number.isInteger(index) || index < 0 || index >= vector.length) throw new SparkConnectError('INVALID_ARGUMENT', `row ${index} is outside 0..${vector.length - 1}`);
  if (!vector.isValid(index)) return undefined;
  let rest = index;
  for (const data of vector.data) {
    if (rest < data.length) return { data, offset: data.offset + rest };
    rest -= data.length;
  }
  return undefined;
}
