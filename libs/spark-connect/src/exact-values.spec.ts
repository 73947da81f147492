import { Decimal, makeData, makeVector, TimestampMicrosecond, TimestampMillisecond, Utf8, vectorFromArray } from 'apache-arrow';
import { decimalString, isoMicros, timestampMicros } from './exact-values';

/** Validity bitmap for `valid` flags (bit i = row i). */
function bitmap(valid: boolean[]): Uint8Array {
  const bytes = new Uint8Array(Math.ceil(valid.length / 8));
  valid.forEach((ok, i) => {
    if (ok) bytes[i >> 3] = (bytes[i >> 3] ?? 0) | (1 << (i & 7));
  });
  return bytes;
}

describe('exact values from Arrow vectors', () => {
  it('reads timestamps as integer microseconds, whatever the unit, with nulls', () => {
    const micros = makeVector(makeData({ type: new TimestampMicrosecond('UTC'), length: 3, nullCount: 1, nullBitmap: bitmap([true, false, true]), data: BigInt64Array.of(1_709_210_096_123_456n, 0n, -1n) }));
    expect(timestampMicros(micros, 0)).toBe(1_709_210_096_123_456n);
    expect(timestampMicros(micros, 1)).toBeNull();
    expect(timestampMicros(micros, 2)).toBe(-1n);
    const millis = makeVector(makeData({ type: new TimestampMillisecond(), length: 1, data: BigInt64Array.of(1_000n) }));
    expect(timestampMicros(millis, 0)).toBe(1_000_000n);
  });

  it('formats microseconds as ISO-8601, also before 1970', () => {
    expect(isoMicros(1_709_210_096_123_456n)).toBe('2024-02-29T12:34:56.123456Z');
    expect(isoMicros(0n)).toBe('1970-01-01T00:00:00.000000Z');
    expect(isoMicros(-1n)).toBe('1969-12-31T23:59:59.999999Z');
  });

  it('reads 128-bit decimals with their scale and sign', () => {
    // -12345 and 5 as two's complement little-endian 32-bit words; scale 2 → -123.45, 0.05.
    const words = Uint32Array.of(2 ** 32 - 12345, 0xffffffff, 0xffffffff, 0xffffffff, 5, 0, 0, 0, 0, 0, 0, 0);
    const vector = makeVector(makeData({ type: new Decimal(2, 10, 128), length: 3, nullCount: 1, nullBitmap: bitmap([true, true, false]), data: words }));
    expect(decimalString(vector, 0)).toBe('-123.45');
    expect(decimalString(vector, 1)).toBe('0.05');
    expect(decimalString(vector, 2)).toBeNull();
  });

  it('finds rows in later chunks and rejects wrong column types and rows', () => {
    const first = makeData({ type: new TimestampMicrosecond(), length: 1, data: BigInt64Array.of(1n) });
    const second = makeData({ type: new TimestampMicrosecond(), length: 2, data: BigInt64Array.of(2n, 3n) });
    const vector = makeVector([first, second]);
    expect(timestampMicros(vector, 2)).toBe(3n);
    expect(() => timestampMicros(vector, 3)).toThrow(/outside/);
    expect(() => decimalString(vector, 0)).toThrow(/Decimal/);
    expect(() => timestampMicros(vectorFromArray(['a'], new Utf8()), 0)).toThrow(/Timestamp/);
  });
});
