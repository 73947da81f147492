import { createHash } from 'node:crypto';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { aFileReference } from '@fluxo/schema/testing';
import { ReferenceProducer } from '@fluxo/kafka-client';
import { RAW_SCHEMA_FINGERPRINT } from '@fluxo/parquet-io';
import { eventually, PipelineHarness } from '@fluxo/e2e-harness';

/**
 * References a normalizer must never trust: each is dead-lettered with its reason code and a
 * quarantine record, and the consumer keeps going (a good reference sent last is still curated).
 */
describe('hostile and broken references', () => {
  let pipeline: PipelineHarness;

  beforeAll(async () => {
    pipeline = await PipelineHarness.create('hostile');
  });
  afterAll(() => pipeline.close());

  it('dead-letters each with a precise reason and keeps consuming', async () => {
    const lake = pipeline.lakeDir;
    const rawDir = join(lake, 'raw', 'usgs-earthquakes', 'date=2025-05-04');
    await mkdir(rawDir, { recursive: true });
    await writeFile(join(rawDir, 'corrupt.parquet'), 'PAR1 this is not parquet PAR1');
    await symlink('/etc', join(lake, 'raw', 'escape'));
    const corruptSha = createHash('sha256').update('PAR1 this is not parquet PAR1').digest('hex');
    const valid = { schemaFingerprint: RAW_SCHEMA_FINGERPRINT };

    const cases: [string, string | Buffer][] = [
      ['MALFORMED_JSON', '{"schemaVersion":1,'],
      ['UNSUPPORTED_VERSION', JSON.stringify({ ...aFileReference(), schemaVersion: 9 })],
      ['INVALID_EVENT', JSON.stringify({ ...aFileReference(valid), uri: '../../etc/passwd.parquet' })],
      ['URI_OUTSIDE_LAKE', JSON.stringify(aFileReference({ ...valid, uri: 'raw/escape/hostname.parquet' }))],
      ['FILE_MISSING', JSON.stringify(aFileReference({ ...valid, uri: 'raw/usgs-earthquakes/date=2025-05-04/nowhere.parquet' }))],
      ['SIZE_MISMATCH', JSON.stringify(aFileReference({ ...valid, uri: 'raw/usgs-earthquakes/date=2025-05-04/corrupt.parquet', bytes: 1 }))],
      ['CHECKSUM_MISMATCH', JSON.stringify(aFileReference({ ...valid, uri: 'raw/usgs-earthquakes/date=2025-05-04/corrupt.parquet', bytes: 29 }))],
      ['CORRUPT_FILE', JSON.stringify(aFileReference({ ...valid, uri: 'raw/usgs-earthquakes/date=2025-05-04/corrupt.parquet', bytes: 29, sha256: corruptSha }))],
      ['UNKNOWN_SOURCE', JSON.stringify(aFileReference({ ...valid, source: 'nobody' }))],
      ['SCHEMA_MISMATCH', JSON.stringify(aFileReference())],
      ['NOT_A_RAW_FILE', JSON.stringify(aFileReference({ ...valid, kind: 'curated' }))],
    ];
    const producer = await ReferenceProducer.connect(pipeline.kafka);
    try {
      for (const [, value] of cases) await producer.publish(pipeline.topics.raw, { key: 'earthquakes', value: Buffer.from(value) });
    } finally {
      await producer.close();
    }
    await pipeline.startNormalizer();
    // Then real data behind them: the consumer must still be running.
    await pipeline.startIngest('usgs-earthquakes?feed=all_hour&intervalMs=500');

    const deadLetters = await eventually(() => pipeline.deadLetters(), (events) => events.length >= cases.length, 'every hostile reference is dead-lettered');
    expect(deadLetters.map((event) => event['reason'])).toEqual(cases.map(([reason]) => reason));
    for (const event of deadLetters) {
      expect(event).toMatchObject({ stage: 'normalizer', original: { topic: pipeline.topics.raw, encoding: 'utf8' }, quarantineUri: expect.stringMatching(/^quarantine\/normalizer\//) });
    }
    await eventually(() => pipeline.curatedEarthquakes(), (counts) => counts.rows > 0, 'good references are still curated');
  });
});
