import { BUILTIN_DEFINITIONS, DefinitionCatalog, silentLogger, type ExtractedRecord, type FileReferenceFields, type StreamGapRecord } from '@fluxo/schema';
import type { Unit } from '../announce/unit-announcer';
import { emptyCheckpoint } from '../state/checkpoint-store';
import { newStreamStats } from '../stream-stats';
import { BatchLoop } from './batch-loop';
import { BoundedBuffer } from './bounded-buffer';
import { DedupWindow } from './dedup-window';
import { MicroBatcher, type BatchLimits } from './micro-batcher';
import type { PipelineItem } from './pipeline-item';

const catalog = DefinitionCatalog.build(BUILTIN_DEFINITIONS);
const pos = (n: number) => `[{"topic":"t","partition":0,"offset":${n}}]`;
const event = (key: string, n: number, receivedAtMs = Date.now()): PipelineItem => ({
  kind: 'event',
  record: { key, version: 'v', eventTime: new Date(Date.UTC(2023, 6, 29, 7, 0, n)), record: `{"k":"${key}"}`, context: null } satisfies ExtractedRecord,
  position: pos(n),
  bytes: 10,
  receivedAtMs,
});
const gap: StreamGapRecord = {
  gap_id: '1b4e28ba-2fa1-4d3b-8a3c-0e3f5a6b7c8d',
  stream: 'wikimedia-recentchange',
  reason: 'resume-refused',
  gap_start: '2023-07-29T07:00:02.000Z',
  gap_end: '2023-07-29T07:00:40.000Z',
  from_position: pos(2),
  to_position: pos(40),
  positions_skipped: 37,
  detected_at: '2023-07-29T08:00:00.000Z',
  url: 'http://x',
};

function loop(limits: Partial<BatchLimits> = {}, failures = 0, now?: () => number) {
  const units: Unit[] = [];
  let toFail = failures;
  const stats = newStreamStats();
  const buffer = new BoundedBuffer<PipelineItem>(100, { onPause: () => undefined, onResume: () => undefined });
  const batchLoop = new BatchLoop({
    stream: catalog.streamSource('wikimedia-recentchange'),
    gapsSource: catalog.internalSource('stream-gaps'),
    url: 'http://x/rc',
    buffer,
    batcher: new MicroBatcher({ maxRows: 1000, maxBytes: 1 << 20, maxAgeMs: 60_000, idleFlushMs: 60_000, ...limits }),
    window: new DedupWindow(100, ['old']),
    announcer: {
      commit: async (unit) => {
        if (toFail > 0) {
          toFail -= 1;
          throw Object.assign(new Error('broker unavailable'), { code: 'PUBLISH_FAILED' });
        }
        units.push(unit);
        return [] as FileReferenceFields[];
      },
      recover: async () => 0,
      hasPending: async () => false,
    },
    checkpoint: emptyCheckpoint('wikimedia-recentchange', 'http://x/rc'),
    stats,
    retry: { baseDelayMs: 1, maxDelayMs: 2 },
    logger: silentLogger,
    ...(now === undefined ? {} : { now }),
  });
  return { units, stats, buffer, run: batchLoop.run() };
}

const keys = (records: readonly ExtractedRecord[]) => records.map((r) => r.key);

describe('BatchLoop', () => {
  it('drops re-sent events by key and flushes events, gap and dead letters as one unit with the checkpoint after them', async () => {
    const l = loop();
    const malformed: PipelineItem = { kind: 'malformed', reason: 'MALFORMED_JSON', message: 'bad', raw: '{"x":', bytes: 5, truncated: false, position: pos(3), receivedAtMs: Date.now() };
    for (const item of [event('old', 1), event('a', 2), { kind: 'gap', gap } as const, event('b', 40), event('a', 2), malformed, event('c', 41)]) l.buffer.offer(item);
    l.buffer.close();
    await l.run;
    expect(l.units).toHaveLength(1);
    const [unit] = l.units;
    expect(unit?.files.map((f) => [f.source, keys(f.records)])).toEqual([
      ['stream-gaps', ['1b4e28ba-2fa1-4d3b-8a3c-0e3f5a6b7c8d']],
      ['wikimedia-recentchange', ['a', 'b', 'c']],
    ]);
    expect(unit?.deadLetters).toEqual([expect.objectContaining({ stage: 'stream-ingest', reason: 'MALFORMED_JSON', original: { value: '{"x":', encoding: 'utf8' } })]);
    expect(unit?.checkpoint).toMatchObject({ position: pos(41), lastEventTime: '2023-07-29T07:00:41.000Z', hadEvents: true, window: ['old', 'a', 'b', 'c'] });
    expect(l.stats).toMatchObject({ accepted: 3, duplicates: 2, batches: 1 });
  });

  it('cuts on the row trigger', async () => {
    const l = loop({ maxRows: 2 });
    for (let i = 0; i < 5; i += 1) l.buffer.offer(event(`k${i}`, i));
    l.buffer.close();
    await l.run;
    expect(l.units.map((u) => keys(u.files[1]?.records ?? []))).toEqual([['k0', 'k1'], ['k2', 'k3'], ['k4']]);
  });

  it('flushes an idle batch while the stream stays open', async () => {
    const l = loop({ idleFlushMs: 30 });
    l.buffer.offer(event('lonely', 1));
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(l.units).toHaveLength(1);
    l.buffer.close();
    await l.run;
    expect(l.units).toHaveLength(1);
  });

  it("counts a batch's age from its first event's receipt, so time spent waiting in the buffer (behind a flush) is not added to it", async () => {
    // The loop's clock stands still: only the receipt time can make the batch due. Taken at
    // 10_000, received at 9_500, maxAgeMs 500: due at once. Counted from when it was taken, it
    // would never be due, and only the buffer's closing would flush it.
    const l = loop({ maxAgeMs: 500 }, 0, () => 10_000);
    l.buffer.offer(event('waited', 1, 9_500));
    for (let waited = 0; l.units.length === 0 && waited < 30_000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(l.units.map((u) => keys(u.files[1]?.records ?? []))).toEqual([['waited']]);
    l.buffer.close();
    await l.run;
    expect(l.units).toHaveLength(1);
  });

  it('retries a failed flush with the same batch until it is durable', async () => {
    const l = loop({}, 2);
    l.buffer.offer(event('a', 1));
    l.buffer.close();
    await l.run;
    expect(l.units.map((u) => keys(u.files[1]?.records ?? []))).toEqual([['a']]);
    expect(l.stats.flushFailures).toBe(2);
  });
});
