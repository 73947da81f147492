import { RECENTCHANGE_PATH } from '@fluxo/replay-api';
import { eventually, PipelineHarness } from '@fluxo/e2e-harness';
import { recordedStreamIds, runsInStream } from './support/recorded-stream';
import { announced, everythingCurated, FAST_STREAM_ENV, finalStats, nthLine, RECENTCHANGE, type StreamStatsLine } from './support/stream-checks';

const sum = (stats: StreamStatsLine[], field: keyof StreamStatsLine) => stats.reduce((total, s) => total + s[field], 0);

describe('stream faults: the server refuses to resume', () => {
  let pipeline: PipelineHarness;

  beforeAll(async () => {
    pipeline = await PipelineHarness.create('stream-gap', { replay: { sse: { eventsPerSecond: 400, heartbeatMs: 500 } } });
  });
  afterAll(() => pipeline.close());

  it('records one gap with start, end and reason, and invents nothing', async () => {
    await pipeline.startNormalizer();
    let producer = await pipeline.startStreamIngest(RECENTCHANGE, FAST_STREAM_ENV);
    await nthLine(producer, announced, 2);
    expect(await producer.stop()).toBe(0);
    const before = finalStats(producer);

    pipeline.replay.setFault({ kind: 'sse-refuse-resume', path: RECENTCHANGE_PATH, skipEvents: 25 });
    producer = await pipeline.startStreamIngest(RECENTCHANGE, FAST_STREAM_ENV);
    await nthLine(producer, (line) => line.msg === 'gap in stream: the server did not continue where we stopped', 1);
    await nthLine(producer, announced, 2);
    expect(await producer.stop()).toBe(0);
    const after = finalStats(producer);

    const curated = await everythingCurated(pipeline, RECENTCHANGE, 'recentchange');
    expect(curated).toBe(before.accepted + after.accepted);
    const ids = (await pipeline.curatedRows<{ event_id: string }>('recentchange', 'event_id')).map((row) => row.event_id);
    expect(new Set(ids).size).toBe(ids.length);
    const stream = await recordedStreamIds(pipeline.replay.url, curated + 1000);
    const { runs, unknown } = runsInStream(stream, ids);
    expect(unknown).toEqual([]); // nothing invented
    expect(runs).toHaveLength(2); // one hole, nothing else missing
    const [[, lastBefore], [firstAfter]] = runs as [[number, number], [number, number]];
    expect(runs[0]?.[0]).toBe(0);
    expect(firstAfter - lastBefore - 1).toBeGreaterThanOrEqual(25);

    await eventually(() => pipeline.curatedCount('stream_gaps'), (n) => n === 1, 'the gap record is curated');
    const [gap] = await pipeline.curatedRows<Record<string, unknown>>('stream_gaps', '*');
    const times = await pipeline.curatedRows<{ event_id: string; event_time: string }>(
      'recentchange',
      'event_id, event_time',
      `WHERE event_id IN ('${stream[lastBefore] ?? ''}', '${stream[firstAfter] ?? ''}') ORDER BY event_time`,
    );
    expect(gap).toMatchObject({
      stream: RECENTCHANGE,
      reason: 'resume-refused',
      gap_start: times[0]?.event_time,
      gap_end: times[1]?.event_time,
      from_position: expect.stringContaining('"offset"'),
      to_position: expect.stringContaining('"offset"'),
      positions_skipped: expect.any(Number),
    });
    expect(Number(gap?.['positions_skipped'])).toBeGreaterThan(0);
    expect(after.gaps).toBe(1);
  });
});

describe('stream faults: disconnects, stalls and garbage', () => {
  let pipeline: PipelineHarness;

  beforeAll(async () => {
    pipeline = await PipelineHarness.create('stream-faults', { replay: { sse: { eventsPerSecond: 400, heartbeatMs: 300 } } });
  });
  afterAll(() => pipeline.close());

  it('recovers from each fault, dead-letters the bad messages, and the counts add up', async () => {
    await pipeline.startNormalizer();
    const env = { ...FAST_STREAM_ENV, FLUXO_STREAM_MAX_LINE_BYTES: '65536', FLUXO_STALL_TIMEOUT_MS: '1500' };
    // one fault per connection, in order: a clean drop, a stall (no heartbeat either), a cut-off JSON message
    pipeline.replay.setFault({ kind: 'sse-drop-after', path: RECENTCHANGE_PATH, events: 120 });
    pipeline.replay.setFault({ kind: 'sse-stall', path: RECENTCHANGE_PATH, afterEvents: 80, ms: 5000 });
    pipeline.replay.setFault({ kind: 'sse-garbage', path: RECENTCHANGE_PATH, afterEvents: 40, variant: 'non-json' });
    let producer = await pipeline.startStreamIngest(RECENTCHANGE, env);
    await eventually(async () => (await pipeline.deadLetters()).length, (n) => n >= 1, 'the non-JSON message is dead-lettered');
    await nthLine(producer, announced, producer.lines.filter((line) => line.msg === 'announced raw file').length + 1);
    expect(await producer.stop()).toBe(0);
    const first = finalStats(producer);
    expect(first.stalls).toBeGreaterThanOrEqual(1);
    expect(first.reconnects).toBeGreaterThanOrEqual(2); // after the drop and after the stall; the garbage connection goes on
    expect(first.duplicates).toBeGreaterThanOrEqual(2); // each resume re-sends the last event on purpose

    // a new connection for the oversized line (4× the limit), never buffered whole
    pipeline.replay.setFault({ kind: 'sse-garbage', path: RECENTCHANGE_PATH, afterEvents: 40, variant: 'oversized', bytes: 262_144 });
    producer = await pipeline.startStreamIngest(RECENTCHANGE, env);
    await eventually(async () => (await pipeline.deadLetters()).length, (n) => n >= 2, 'the oversized line is dead-lettered');
    await nthLine(producer, announced, 2);
    expect(await producer.stop()).toBe(0);
    const second = finalStats(producer);

    const deadLetters = await pipeline.deadLetters();
    expect(deadLetters.map((event) => event['reason'])).toEqual(['MALFORMED_JSON', 'OVERSIZED_LINE']);
    for (const event of deadLetters) expect(event).toMatchObject({ stage: 'stream-ingest', source: RECENTCHANGE, original: { encoding: 'utf8', value: expect.any(String) } });
    expect((deadLetters[1]?.['details'] as Record<string, unknown>)['bytes']).toBeGreaterThan(262_144);

    const curated = await everythingCurated(pipeline, RECENTCHANGE, 'recentchange');
    const stats = [first, second];
    for (const s of stats) {
      expect(s.received).toBe(s.accepted + s.duplicates + s.malformed + s.ignored + s.discardedAtStop);
    }
    expect(sum(stats, 'accepted')).toBe(curated);
    expect(sum(stats, 'malformed')).toBe(2);
    expect(sum(stats, 'gaps')).toBe(0);
    const ids = (await pipeline.curatedRows<{ event_id: string }>('recentchange', 'event_id')).map((row) => row.event_id);
    const stream = await recordedStreamIds(pipeline.replay.url, curated + 100);
    expect(runsInStream(stream, ids)).toEqual({ runs: [[0, curated - 1]], unknown: [] });
  });
});
