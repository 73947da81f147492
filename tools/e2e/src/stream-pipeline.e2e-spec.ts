import { join } from 'node:path';
import { Lake } from '@fluxo/parquet-io';
import { inspectWithPyarrow } from '@fluxo/parquet-io/testing';
import { eventually, PipelineHarness } from '@fluxo/e2e-harness';
import { recordedStreamIds, runsInStream } from './support/recorded-stream';
import { announced, distinctReferences, everythingCurated, FAST_STREAM_ENV, finalStats, nthLine, RECENTCHANGE, type StreamStatsLine } from './support/stream-checks';

/** Events to stream at least: three loops of the 100 recorded ones. */
const N = 300;

describe('stream pipeline: Wikimedia EventStreams (SSE) → micro-batches → Kafka → normalizer → curated recentchange', () => {
  let pipeline: PipelineHarness;
  let curated: number;
  let stats: StreamStatsLine;

  beforeAll(async () => {
    pipeline = await PipelineHarness.create('stream', { replay: { sse: { eventsPerSecond: 400, heartbeatMs: 500 } } });
    await pipeline.startNormalizer();
    const producer = await pipeline.startStreamIngest(RECENTCHANGE, FAST_STREAM_ENV);
    await nthLine(producer, announced, 1);
    await eventually(() => pipeline.curatedCount('recentchange'), (rows) => rows >= N, `${N} events are curated`);
    expect(await producer.stop()).toBe(0); // graceful: flushes what it received
    stats = finalStats(producer);
    curated = await everythingCurated(pipeline, RECENTCHANGE, 'recentchange');
  });
  afterAll(() => pipeline.close());

  it('holds each streamed event exactly once, as an unbroken prefix of the stream', async () => {
    const rows = await pipeline.curatedRows<{ rows: number; events: number }>('recentchange', 'count(*)::INTEGER AS rows, count(DISTINCT event_id)::INTEGER AS events');
    expect(rows[0]).toEqual({ rows: curated, events: curated });
    const ids = (await pipeline.curatedRows<{ event_id: string }>('recentchange', 'event_id')).map((row) => row.event_id);
    const stream = await recordedStreamIds(pipeline.replay.url, curated + 50);
    expect(runsInStream(stream, ids)).toEqual({ runs: [[0, curated - 1]], unknown: [] });
  });

  it('counts add up: received = accepted = curated, nothing dropped, no gap, no dead letter', async () => {
    expect(stats).toMatchObject({ accepted: curated, malformed: 0, gaps: 0, rowsWritten: curated });
    expect(stats.duplicates).toBe(stats.reconnects); // 0 unless the connection dropped: each resume re-sends one event on purpose
    expect(stats.received).toBe(curated + stats.discardedAtStop);
    expect(await pipeline.curatedCount('stream_gaps')).toBe(0);
    expect(await pipeline.deadLetters()).toEqual([]);
  });

  it('wrote micro-batches within the row limit, each file verified and announced once', async () => {
    const raw = await pipeline.references('raw');
    const files = distinctReferences(raw, RECENTCHANGE);
    expect(files.length).toBe(raw.length);
    expect(files.length).toBeGreaterThanOrEqual(N / 150);
    const lake = await Lake.open(pipeline.lakeDir);
    for (const ref of files) {
      expect(ref).toMatchObject({ kind: 'raw', dataset: 'recentchange', producer: { app: 'stream-ingest' } });
      expect(ref.rows).toBeLessThanOrEqual(150);
      await expect(lake.verify(ref)).resolves.toBe(join(lake.root, ref.uri));
    }
  });

  it('curates the recorded first event faithfully, with UTC event time and lineage', async () => {
    const [first] = await pipeline.curatedRows<Record<string, unknown>>(
      'recentchange',
      'event_id, event_time, wiki, title, "user", bot, change_type, size_delta, rc_id, _source, _raw_uri',
      `WHERE event_id = '0416300b-980c-45bb-b0a2-c9d7a9e2b7eb'`,
    );
    expect(first).toMatchObject({
      event_time: '2023-07-29T07:51:39.000Z',
      wiki: 'enwiki',
      title: 'EFL Championship',
      change_type: 'edit',
      rc_id: 1659529639,
      _source: RECENTCHANGE,
      _raw_uri: expect.stringMatching(/^raw\/wikimedia-recentchange\//),
    });
    expect(typeof first?.['bot']).toBe('boolean');
    expect(typeof first?.['size_delta']).toBe('number');
    const [bots] = await pipeline.curatedRows<{ bots: number }>('recentchange', 'count(*) FILTER (WHERE bot)::INTEGER AS bots', `WHERE event_time < TIMESTAMPTZ '2023-07-29 07:54:00Z'`);
    expect(bots?.bots).toBe(2); // the fixture's README: 2 of the 100 recorded events are bots
    const [curatedRef] = await pipeline.references('curated');
    const inspection = await inspectWithPyarrow(join(pipeline.lakeDir, curatedRef?.uri ?? ''));
    expect(Object.fromEntries(inspection.columns.map((c) => [c.name, c.type]))).toMatchObject({ event_time: 'timestamp[us, tz=UTC]', bot: 'bool', size_delta: 'int64' });
  });
});
