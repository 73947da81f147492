import { rawFileReference, silentLogger } from '@fluxo/schema';
import { ReferenceProducer } from '@fluxo/kafka-client';
import { Lake, lakeRawFileSink, ParquetEngine, type RawRow } from '@fluxo/parquet-io';
import { eventually, PipelineHarness } from '@fluxo/e2e-harness';

const producer = { app: 'e2e', instance: 'poison', version: '0' };
const fetchedAt = new Date('2025-05-04T13:52:57Z');

/** A USGS feature; `padMb` megabytes of padding make its JSON text huge (it compresses to a few KB). */
function featureRow(id: string, padMb = 0): RawRow {
  const properties: Record<string, unknown> = { mag: 1.5, place: `near ${id}`, time: 1746366018110, updated: 1746366236183, tsunami: 0, type: 'earthquake' };
  const pad = 'x'.repeat(1024 * 1024);
  for (let i = 0; i < padMb; i += 1) properties[`pad${i}`] = pad;
  const record = JSON.stringify({ type: 'Feature', id, properties, geometry: { type: 'Point', coordinates: [-117.8, 35.3, 8.8] } });
  return { key: id, version: '1746366236183', eventTime: new Date(1746366018110), record, context: null };
}

/**
 * Issue 9: a poison file — a small raw file holding one 95 MB record that makes the normalizer's
 * DuckDB run out of memory — must not stall its partition: after FLUXO_MAX_ATTEMPTS it is
 * dead-lettered as ATTEMPTS_EXHAUSTED (lastCode OUT_OF_MEMORY), and a good reference sent after it
 * on the same partition is curated. Dead letters carry no SQL and no absolute path.
 */
describe('issue 9: poison file', () => {
  let pipeline: PipelineHarness;
  beforeAll(async () => {
    pipeline = await PipelineHarness.create('poison');
  });
  afterAll(() => pipeline.close());

  it('is dead-lettered after bounded attempts and the good reference behind it is curated', async () => {
    const lake = await Lake.open(pipeline.lakeDir);
    const references = [];
    {
      // written by an engine without a memory limit, as a producer without a per-record cap would
      await using writer = await ParquetEngine.open({ logger: silentLogger, threads: 1 });
      const sink = lakeRawFileSink(writer, lake);
      for (const [stem, row] of [['poison', featureRow('poison', 95)], ['good', featureRow('good')]] as const) {
        const staged = await sink.stage({ source: 'usgs-earthquakes', stem, fetchedAt, records: [row] });
        await staged.commit();
        references.push(rawFileReference(staged, { source: 'usgs-earthquakes', dataset: 'earthquakes', producer }));
      }
    }
    expect(references[0]?.bytes).toBeLessThan(64 * 1024); // small on disk, 95 MB of JSON inside
    const kafka = await ReferenceProducer.connect(pipeline.kafka);
    try {
      // same key → same partition: the good file waits behind the poison one
      for (const reference of references) await kafka.publish(pipeline.topics.raw, { key: 'earthquakes', value: Buffer.from(JSON.stringify(reference)) });
    } finally {
      await kafka.close();
    }

    const normalizer = await pipeline.startNormalizer({ FLUXO_ENGINE_MEMORY_LIMIT_MB: '96', FLUXO_MAX_ATTEMPTS: '2', FLUXO_RETRY_BASE_DELAY_MS: '50' });
    const deadLetters = await eventually(() => pipeline.deadLetters(), (events) => events.length >= 1, 'the poison file is dead-lettered', 170_000);
    expect(deadLetters).toEqual([
      expect.objectContaining({
        stage: 'normalizer',
        reason: 'ATTEMPTS_EXHAUSTED',
        details: { lastCode: 'OUT_OF_MEMORY' },
        message: expect.stringMatching(/^gave up after 2 attempts: DuckDB ran out of memory/),
        quarantineUri: expect.stringMatching(/^quarantine\/normalizer\//),
      }),
    ]);
    const text = JSON.stringify(deadLetters);
    expect(text).not.toContain(pipeline.dir); // no absolute path
    expect(text).not.toMatch(/read_parquet|SELECT/); // no SQL
    await eventually(() => pipeline.curatedRows<{ id: string }>('earthquakes', 'event_id AS id'), (rows) => rows.length === 1, 'the good reference behind it is curated', 170_000);
    expect(await pipeline.curatedRows<{ id: string }>('earthquakes', 'event_id AS id')).toEqual([{ id: 'good' }]);
    // two attempts, one retry in between: the consumer logged exactly one retriable failure for it
    expect(normalizer.count('handler failed with a retriable error; retrying')).toBe(1);
  });
});
