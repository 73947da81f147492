import { join } from 'node:path';
import { LINEAGE_SQL_TYPES, rawFileReference, silentLogger, sqlString, type DeadLetterFields } from '@fluxo/schema';
import type { ConsumedMessage } from '@fluxo/kafka-client';
import { lakeRawFileSink, ParquetEngine } from '@fluxo/parquet-io';
import { aRawRow, createTempLake, type TempLake } from '@fluxo/parquet-io/testing';
import { LAKEHOUSE_EXTENSIONS, Lakehouse, type TableSpec } from '@fluxo/lakehouse';
import { testExtensionDirectory } from '@fluxo/lakehouse/testing';
import { WORKSPACE_ROOT } from '@fluxo/e2e-harness';
import type { BadInput } from './hostile-inputs';
import { checkSoak } from './soak-checks';

const TABLE: TableSpec = {
  name: 'earthquakes',
  columns: [{ name: 'event_id', sqlType: 'VARCHAR' }, { name: 'event_time', sqlType: 'TIMESTAMPTZ' }, ...LINEAGE_SQL_TYPES],
  eventTimeColumn: 'event_time',
  identity: { key: '_record_key', version: '_record_version' },
  latest: { entityKey: ['event_id'], versionColumn: 'event_time' },
};

const message = (topic: string, value: object | string, offset: number): ConsumedMessage => ({
  topic,
  partition: 0,
  offset: String(offset),
  key: null,
  value: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
  headers: {},
  timestampMs: 0,
});

/**
 * The soak's verdict is only worth something if its checks fail when they should: a lost record, a
 * duplicated one, a bad input without its dead letter and a dead letter nobody fed are each caught.
 * (No broker needed: the Kafka records are made up, the lake and the catalog are real.)
 */
describe('issue 9: the chaos soak checks catch what they must', () => {
  let tmp: TempLake;
  beforeAll(async () => {
    tmp = await createTempLake('fluxo-soak-checks-');
  });
  afterAll(() => tmp.cleanup());

  it('reports lost=1, duplicated=1, the missing dead letter and the unexpected one', async () => {
    const catalogPath = join(tmp.dir, 'catalog', 'fluxo.sqlite');
    const rawMessages: ConsumedMessage[] = [];
    let rawUri = '';
    {
      await using engine = await ParquetEngine.open({ logger: silentLogger, threads: 1, extensions: LAKEHOUSE_EXTENSIONS, extensionDirectory: testExtensionDirectory() });
      const staged = await lakeRawFileSink(engine, tmp.lake).stage({
        source: 'usgs-earthquakes',
        stem: 'checked',
        fetchedAt: new Date('2025-05-04T14:00:00Z'),
        records: ['a', 'b', 'c'].map((key) => aRawRow({ key, version: '1' })),
      });
      await staged.commit();
      rawUri = staged.uri;
      rawMessages.push(message('fluxo.raw-files', rawFileReference(staged, { source: 'usgs-earthquakes', dataset: 'earthquakes', producer: { app: 'ingest', instance: 'i', version: '0' } }), 0));
      await using lakehouse = await Lakehouse.attach({ engine, catalog: { kind: 'sqlite', path: catalogPath }, dataPath: join(tmp.lake.root, 'curated'), logger: silentLogger });
      await lakehouse.ensureTable(TABLE);
      const row = (key: string) => `(${sqlString(key)}, TIMESTAMPTZ '2025-05-04 13:40:18+00', 'usgs-earthquakes', ${sqlString(key)}, '1', now(), ${sqlString(staged.uri)}, 'fluxo.raw-files', 0, 0)`;
      // "a" twice (duplicated), "b" once, "c" never (lost)
      await lakehouse.commit('rows', (tx) => tx.run(`INSERT INTO ${lakehouse.table('earthquakes')} VALUES ${[row('a'), row('a'), row('b')].join(', ')}`));
    }
    const badInputs: BadInput[] = [
      { name: 'wrong checksum', stage: 'normalizer', reason: 'CHECKSUM_MISMATCH', source: 'usgs-earthquakes' },
      { name: 'oversized stream line', stage: 'stream-ingest', reason: 'OVERSIZED_LINE', source: 'wikimedia-recentchange' },
    ];
    const deadLetter = (fields: Partial<DeadLetterFields>) => ({ schemaVersion: 1, eventId: 'x', occurredAt: '2025-05-04T14:00:00Z', message: 'm', original: { encoding: 'utf8', value: '' }, ...fields });
    const deadLetterMessages = [
      message('fluxo.dead-letter', deadLetter({ stage: 'normalizer', reason: 'CHECKSUM_MISMATCH', source: 'usgs-earthquakes', quarantineUri: rawUri }), 0), // any file in the lake will do
      message('fluxo.dead-letter', deadLetter({ stage: 'normalizer', reason: 'UNEXPECTED', source: 'usgs-earthquakes' }), 1),
    ];

    const checks = await checkSoak({ root: WORKSPACE_ROOT, lakeDir: tmp.lake.root, catalogPath, extensionDirectory: testExtensionDirectory(), rawMessages, deadLetterMessages, badInputs });
    expect(checks).toMatchObject({ lost: 1, duplicated: 1, deadLetters: 2, tables: { earthquakes: 3 } });
    expect(checks.problems).toEqual(
      expect.arrayContaining([
        'bad input without its dead letter: oversized stream line (stream-ingest OVERSIZED_LINE)',
        'unexpected dead letter: normalizer UNEXPECTED usgs-earthquakes',
        'earthquakes: 1 duplicated row(s)',
        expect.stringMatching(/^1 announced record\(s\) are in no curated table, e\.g\. \[\{"source":"usgs-earthquakes","k":"c","v":"1"\}\]$/),
        expect.stringMatching(/^dead letter normalizer UNEXPECTED has no quarantine record$/),
      ]),
    );
  });
});
