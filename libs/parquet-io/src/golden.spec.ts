/**
 * Golden Parquet files: a committed `.parquet` beside the `.json` that says what it must read back
 * as. They pin the on-disk format our writers produce, and our readers' view of it, across DuckDB
 * upgrades. Regenerate (after a deliberate format change only) with
 *   FLUXO_UPDATE_GOLDEN=1 npx jest -c libs/parquet-io/jest.config.cjs golden
 */
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { copyQueryToParquet } from './copy-to-parquet';
import type { ParquetEngine } from './engine';
import { fingerprintOf, readParquetSchema, type ColumnSchema } from './parquet-schema';
import { RAW_SCHEMA, RAW_SCHEMA_FINGERPRINT, type RawRow } from './raw-schema';
import { writeRawFile } from './raw-file-writer';
import { assertReadable, readRows } from './read-parquet';
import { createTempLake, openTestEngine, type TempLake } from './testing/temp-lake';

const GOLDEN_DIR = join(__dirname, 'testing', 'golden');

interface Golden {
  readonly description: string;
  readonly columns: readonly ColumnSchema[];
  readonly schemaFingerprint: string;
  readonly rows: readonly Record<string, unknown>[];
}

const rawRows: RawRow[] = [
  {
    key: 'ci41144664',
    version: '1746366236183',
    eventTime: new Date(1746366018110),
    record: '{"type":"Feature","properties":{"mag":1.48,"place":"16 km WSW of Johannesburg, CA","time":1746366018110},"id":"ci41144664"}',
    context: '{"generated":1746366777000,"api":"1.14.1"}',
  },
  { key: 'us7000pw3k', version: '1746365000000', eventTime: null, record: '{"place":"Ōtaki, Aotearoa – «test» ✓"}', context: null },
  { key: "it's \"quoted\"", version: '1', eventTime: new Date('1969-12-31T23:59:59.999Z'), record: 'verbatim, not JSON', context: '{}' },
];
const fetchedAt = new Date('2025-05-04T13:52:57.000Z');

interface GoldenCase {
  readonly name: string;
  readonly description: string;
  /** Writes the golden file and returns its committed path. */
  write(engine: ParquetEngine, tmp: TempLake): Promise<string>;
  /** What the file must read back as: derived from the inputs, never from reading the file. */
  readonly expected: Omit<Golden, 'description'>;
}

const CASES: readonly GoldenCase[] = [
  {
    name: 'raw-usgs',
    description: 'writeRawFile output: RAW_SCHEMA, a null event_time and context, unicode, quotes, pre-1970 timestamp',
    async write(engine, tmp) {
      const written = await writeRawFile(engine, tmp.lake, { source: 'usgs-earthquakes', stem: 'golden', fetchedAt, rows: rawRows });
      await written.commit();
      return written.path;
    },
    expected: {
      columns: RAW_SCHEMA.map(({ name, type }) => ({ name, type })),
      schemaFingerprint: RAW_SCHEMA_FINGERPRINT,
      rows: rawRows.map((row) => ({
        record_key: row.key,
        record_version: row.version,
        event_time: row.eventTime?.toISOString() ?? null,
        fetched_at: fetchedAt.toISOString(),
        record: row.record,
        context: row.context,
      })),
    },
  },
  {
    name: 'curated-types',
    description: 'copyQueryToParquet output: every scalar type a curated dataset may use, with nulls',
    async write(engine, tmp) {
      const target = tmp.lake.curatedPath('golden', '2025-05-04', 'types');
      const { staged } = await copyQueryToParquet(engine, {
        finalPath: target.path,
        sql: `SELECT * FROM (VALUES
          ('a', 1.5::DOUBLE, 7::INTEGER, 9007199254740993::BIGINT, true, DATE '2025-05-04',
           TIMESTAMPTZ '2025-05-04 13:40:18.110123+00', 12.345::DECIMAL(9,3), ['x', 'y']),
          ('b', NULL, NULL, -1::BIGINT, NULL, NULL, NULL, NULL, NULL)
        ) AS t(id, mag, sig, big, flag, day, "at", amount, tags) ORDER BY id`,
      });
      await staged.commit();
      return target.path;
    },
    expected: {
      columns: [
        { name: 'id', type: 'VARCHAR' },
        { name: 'mag', type: 'DOUBLE' },
        { name: 'sig', type: 'INTEGER' },
        { name: 'big', type: 'BIGINT' },
        { name: 'flag', type: 'BOOLEAN' },
        { name: 'day', type: 'DATE' },
        { name: 'at', type: 'TIMESTAMP WITH TIME ZONE' },
        { name: 'amount', type: 'DECIMAL(9,3)' },
        { name: 'tags', type: 'VARCHAR[]' },
      ],
      schemaFingerprint: 'computed',
      rows: [
        { id: 'a', mag: 1.5, sig: 7, big: '9007199254740993', flag: true, day: '2025-05-04', at: '2025-05-04T13:40:18.110123Z', amount: 12.345, tags: ['x', 'y'] },
        { id: 'b', mag: null, sig: null, big: -1, flag: null, day: null, at: null, amount: null, tags: null },
      ],
    },
  },
];

describe('golden Parquet files', () => {
  let engine: ParquetEngine;
  beforeAll(async () => {
    engine = await openTestEngine();
    if (process.env['FLUXO_UPDATE_GOLDEN'] === '1') await regenerate(engine);
  });
  afterAll(async () => {
    await engine.close();
  });

  describe.each(CASES.map((c) => [c.name, c] as const))('%s', (name, golden) => {
    const parquetPath = join(GOLDEN_DIR, `${name}.parquet`);
    let expected: Golden;
    beforeAll(async () => {
      expected = JSON.parse(await readFile(join(GOLDEN_DIR, `${name}.json`), 'utf8')) as Golden;
    });

    it('has the committed expectations', () => {
      expect(expected.columns).toEqual(golden.expected.columns);
      expect(expected.rows).toEqual(golden.expected.rows);
    });

    it('reads back with the expected columns and fingerprint', async () => {
      expect(await readParquetSchema(engine, parquetPath)).toEqual(expected.columns);
      expect(await fingerprintOf(engine, parquetPath)).toBe(expected.schemaFingerprint);
    });

    it('reads back the expected rows', async () => {
      await expect(assertReadable(engine, parquetPath)).resolves.toEqual({ rows: expected.rows.length, columns: expected.columns.length });
      expect(await readRows(engine, parquetPath)).toEqual(expected.rows);
    });
  });
});

async function regenerate(engine: ParquetEngine): Promise<void> {
  const tmp = await createTempLake();
  try {
    for (const golden of CASES) {
      const path = await golden.write(engine, tmp);
      await copyFile(path, join(GOLDEN_DIR, `${golden.name}.parquet`));
      const file: Golden = {
        description: golden.description,
        columns: golden.expected.columns,
        schemaFingerprint: await fingerprintOf(engine, path),
        rows: golden.expected.rows,
      };
      await writeFile(join(GOLDEN_DIR, `${golden.name}.json`), `${JSON.stringify(file, null, 2)}\n`);
    }
  } finally {
    await tmp.cleanup();
  }
}
