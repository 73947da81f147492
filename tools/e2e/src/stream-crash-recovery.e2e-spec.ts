import { PipelineHarness, type LogLine } from '@fluxo/e2e-harness';
import { recordedStreamIds, runsInStream } from './support/recorded-stream';
import { announced, everythingCurated, FAST_STREAM_ENV, finalStats, nthLine, RECENTCHANGE } from './support/stream-checks';

const connected = (line: LogLine) => line.msg === 'stream connected';

describe('stream crash recovery: SIGKILL the producer mid-stream, restart, still exactly once and no gap', () => {
  let pipeline: PipelineHarness;

  beforeAll(async () => {
    pipeline = await PipelineHarness.create('stream-crash', { replay: { sse: { eventsPerSecond: 400, heartbeatMs: 500 } } });
  });
  afterAll(() => pipeline.close());

  it('resumes from the checkpoint after each kill; re-sent events are dropped by event id', async () => {
    await pipeline.startNormalizer();

    // 1: right after an announcement (checkpoint saved, next batch half full)
    let producer = await pipeline.startStreamIngest(RECENTCHANGE, FAST_STREAM_ENV);
    await nthLine(producer, announced, 2);
    await producer.kill();

    // 2: mid-batch, shortly after reconnecting with Last-Event-ID (nothing announced by this run yet)
    producer = await pipeline.startStreamIngest(RECENTCHANGE, FAST_STREAM_ENV);
    await nthLine(producer, connected, 1);
    await new Promise((resolve) => setTimeout(resolve, 250));
    await producer.kill();

    // 3: while announcing: batches of 40 rows flush several times a second
    producer = await pipeline.startStreamIngest(RECENTCHANGE, { ...FAST_STREAM_ENV, FLUXO_BATCH_MAX_ROWS: '40' });
    await nthLine(producer, announced, 3);
    await new Promise((resolve) => setTimeout(resolve, 37));
    await producer.kill();

    // 4: the last run ends gracefully once enough has streamed
    producer = await pipeline.startStreamIngest(RECENTCHANGE, FAST_STREAM_ENV);
    const resumed = await nthLine(producer, connected, 1).then(() => producer.lines.find(connected));
    expect(resumed?.['lastEventId']).toEqual(expect.stringContaining('"offset"'));
    await nthLine(producer, announced, 2);
    expect(await producer.stop()).toBe(0);

    const curated = await everythingCurated(pipeline, RECENTCHANGE, 'recentchange');
    const [counts] = await pipeline.curatedRows<{ rows: number; events: number }>('recentchange', 'count(*)::INTEGER AS rows, count(DISTINCT event_id)::INTEGER AS events');
    expect(counts).toEqual({ rows: curated, events: curated });
    const ids = (await pipeline.curatedRows<{ event_id: string }>('recentchange', 'event_id')).map((row) => row.event_id);
    const stream = await recordedStreamIds(pipeline.replay.url, curated + 100);
    expect(runsInStream(stream, ids)).toEqual({ runs: [[0, curated - 1]], unknown: [] });
    expect(await pipeline.curatedCount('stream_gaps')).toBe(0);
    expect(pipeline.apps.flatMap((app) => app.lines.filter((line) => line.msg?.startsWith('gap in stream') === true))).toEqual([]);
    // the last restart resumed one event early on purpose: that event came again and was dropped by id
    expect(finalStats(producer).duplicates).toBeGreaterThanOrEqual(1);
  });
});
