import { createHash } from 'node:crypto';
import type { ParquetEngine } from './engine';
import { assertSchema, canonicalType, schemaFingerprint } from './parquet-schema';
import { RAW_SCHEMA, RAW_SCHEMA_FINGERPRINT } from './raw-schema';
import { writeRawFile } from './raw-file-writer';
import { aRawRow } from './testing/raw-rows';
import { createTempLake, openTestEngine, type TempLake } from './testing/temp-lake';

describe('schema fingerprints', () => {
  it('is the sha256 of canonical `name TYPE` lines', () => {
    const expected = createHash('sha256').update('id VARCHAR\nat TIMESTAMP WITH TIME ZONE\n').digest('hex');
    expect(schemaFingerprint([{ name: 'id', type: 'varchar' }, { name: 'at', type: ' timestamptz ' }])).toBe(expected);
  });

  it.each([
    ['timestamptz', 'TIMESTAMP WITH TIME ZONE'],
    ['TIMESTAMP   WITH TIME   ZONE', 'TIMESTAMP WITH TIME ZONE'],
    ['text', 'VARCHAR'],
    ['int8', 'BIGINT'],
    ['decimal(9,3)', 'DECIMAL(9,3)'],
  ])('canonicalType(%j) = %j', (input, expected) => {
    expect(canonicalType(input)).toBe(expected);
  });

  it('depends on column order and names', () => {
    const a = schemaFingerprint([{ name: 'a', type: 'INTEGER' }, { name: 'b', type: 'INTEGER' }]);
    expect(schemaFingerprint([{ name: 'b', type: 'INTEGER' }, { name: 'a', type: 'INTEGER' }])).not.toBe(a);
    expect(schemaFingerprint([{ name: 'a', type: 'INTEGER' }, { name: 'c', type: 'INTEGER' }])).not.toBe(a);
  });

  it('pins the raw schema fingerprint (changing it is a breaking change for every consumer)', () => {
    expect(RAW_SCHEMA_FINGERPRINT).toBe(schemaFingerprint(RAW_SCHEMA));
    expect(RAW_SCHEMA_FINGERPRINT).toBe('f285d01ef78c9afbb7494a7fe3a11c4a1f2affe6c5ca3b12ea78323d8a23fc08');
  });

  describe('assertSchema', () => {
    let engine: ParquetEngine;
    let tmp: TempLake;
    beforeAll(async () => {
      engine = await openTestEngine();
      tmp = await createTempLake();
    });
    afterAll(async () => {
      await engine.close();
      await tmp.cleanup();
    });

    it('accepts the expected columns and reports SCHEMA_MISMATCH with both lists otherwise', async () => {
      const written = await writeRawFile(engine, tmp.lake, { source: 's', stem: 'x', fetchedAt: new Date(), rows: [aRawRow()] });
      await written.commit();
      await expect(assertSchema(engine, written.path, RAW_SCHEMA)).resolves.toBeUndefined();
      const expected = [...RAW_SCHEMA.slice(0, 5), { name: 'context', type: 'JSON' }];
      await expect(assertSchema(engine, written.path, expected)).rejects.toMatchObject({
        code: 'SCHEMA_MISMATCH',
        context: { expected: expect.arrayContaining(['context JSON']), actual: expect.arrayContaining(['context VARCHAR']) },
      });
    });
  });
});
