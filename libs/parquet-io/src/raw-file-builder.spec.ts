import { openRawFileBuilder, RAW_SPILL_ROWS } from './raw-file-builder';
import { readRows } from './read-parquet';
import { createTempLake, openTestEngine, type TempLake } from './testing/temp-lake';
import type { ParquetEngine } from './engine';
import type { RawRow } from './raw-schema';

const row = (i: number): RawRow => ({ key: `k${i}`, version: '1', eventTime: new Date(Date.UTC(2025, 0, 1) + i * 1000), record: `{"i":${i}}`, context: null });

/** Issue 10: a raw file built from a streamed response, in parts, spilled to disk on the way. */
describe('openRawFileBuilder', () => {
  let lake: TempLake;
  let engine: ParquetEngine;
  beforeEach(async () => {
    lake = await createTempLake();
    engine = await openTestEngine();
  });
  afterEach(async () => {
    await engine.close();
    await lake.cleanup();
  });

  it('keeps rows in order across spills, drops a discarded part (even one already spilled), and leaves no scratch file', async () => {
    const fetchedAt = new Date('2025-05-04T14:00:00Z');
    const builder = await openRawFileBuilder(engine, lake.lake, { source: 'src', fetchedAt });
    const total = RAW_SPILL_ROWS + 100;
    builder.beginPart();
    for (let i = 0; i < total; i += 1000) await builder.append(Array.from({ length: Math.min(1000, total - i) }, (_, j) => row(i + j)));
    builder.beginPart();
    await builder.append(Array.from({ length: RAW_SPILL_ROWS }, (_, j) => row(1_000_000 + j))); // spills mid-part
    await builder.discardPart();
    builder.beginPart();
    await builder.append([row(total)]);
    expect(builder.rows).toBe(total + 1);
    const written = await builder.finish('stem-1');
    await written.commit();
    expect(written).toMatchObject({ rows: total + 1, minEventTime: '2025-01-01T00:00:00.000Z', maxEventTime: new Date(Date.UTC(2025, 0, 1) + total * 1000).toISOString() });
    const keys = (await readRows<{ record_key: string }>(engine, written.path)).map((r) => r.record_key);
    expect(keys).toEqual(Array.from({ length: total + 1 }, (_, i) => `k${i}`));
    const { readdir } = await import('node:fs/promises');
    expect((await readdir(written.path.slice(0, written.path.lastIndexOf('/')))).filter((name) => name.startsWith('.'))).toEqual([]);
  });
});
