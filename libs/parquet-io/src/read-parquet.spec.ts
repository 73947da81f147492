import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ParquetEngine } from './engine';
import { assertReadable, readRows } from './read-parquet';
import { readParquetSchema } from './parquet-schema';
import { writeRawFile } from './raw-file-writer';
import { someRawRows } from './testing/raw-rows';
import { createTempLake, openTestEngine, type TempLake } from './testing/temp-lake';

describe('reading Parquet', () => {
  let engine: ParquetEngine;
  let tmp: TempLake;
  let good: string;
  beforeAll(async () => {
    engine = await openTestEngine();
  });
  afterAll(async () => {
    await engine.close();
  });
  beforeEach(async () => {
    tmp = await createTempLake();
    const written = await writeRawFile(engine, tmp.lake, { source: 'usgs', stem: 'good', fetchedAt: new Date('2025-05-04T00:00:00Z'), rows: someRawRows(5000) });
    await written.commit();
    good = written.path;
  });
  afterEach(async () => {
    await tmp.cleanup();
  });

  it('reads rows in file order, with a limit', async () => {
    const rows = await readRows<{ record_key: string }>(engine, good, { limit: 3 });
    expect(rows.map((r) => r.record_key)).toEqual(['ci41000000', 'ci41000001', 'ci41000002']);
  });

  it('assertReadable decodes a good file', async () => {
    await expect(assertReadable(engine, good)).resolves.toEqual({ rows: 5000, columns: 6 });
  });

  const corruptions: [string, (bytes: Buffer) => Buffer][] = [
    ['truncated in the middle', (bytes) => bytes.subarray(0, Math.floor(bytes.length / 2))],
    ['footer cut off', (bytes) => bytes.subarray(0, bytes.length - 4)],
    ['empty', () => Buffer.alloc(0)],
    ['not Parquet at all', () => Buffer.from('{"type":"FeatureCollection"}')],
    ['garbage over the data pages', (bytes) => Buffer.concat([bytes.subarray(0, 4), Buffer.alloc(bytes.length - 2000, 0x5a), bytes.subarray(bytes.length - 1996)])],
  ];

  it.each(corruptions)('maps a %s file to CORRUPT_FILE', async (_name, corrupt) => {
    const path = join(tmp.dir, 'bad.parquet');
    await writeFile(path, corrupt(await readFile(good)));
    const check = async () => {
      await assertReadable(engine, path);
      await readRows(engine, path);
    };
    await expect(check()).rejects.toMatchObject({ code: 'CORRUPT_FILE', retriable: false, context: { path } });
  });

  it('maps a missing file to FILE_MISSING', async () => {
    const path = join(tmp.dir, 'missing.parquet');
    await expect(assertReadable(engine, path)).rejects.toMatchObject({ code: 'FILE_MISSING', context: { path } });
    await expect(readRows(engine, path)).rejects.toMatchObject({ code: 'FILE_MISSING' });
    await expect(readParquetSchema(engine, path)).rejects.toMatchObject({ code: 'FILE_MISSING' });
  });

  it('refuses relative and glob paths before DuckDB sees them', async () => {
    await expect(readRows(engine, 'raw/x.parquet')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(readRows(engine, join(tmp.dir, '*.parquet'))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
