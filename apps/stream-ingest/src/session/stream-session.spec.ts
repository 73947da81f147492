import { BUILTIN_DEFINITIONS, createEventExtractor, DefinitionCatalog, silentLogger, type StreamInstance } from '@fluxo/schema';
import { BoundedBuffer } from '../pipeline/bounded-buffer';
import type { PipelineItem } from '../pipeline/pipeline-item';
import { newStreamStats } from '../stream-stats';
import type { StreamItem } from '../transport/stream-item';
import type { ConnectRequest, StreamConnection, StreamTransport } from '../transport/transport';
import { StreamSession, type SessionStart } from './stream-session';

const catalog = DefinitionCatalog.build(BUILTIN_DEFINITIONS);
const definition = catalog.streamSource('wikimedia-recentchange');
const instance: StreamInstance = { definition, url: 'http://replay.test/v2/stream/recentchange', headers: {} };
const id = (offset: number) => `[{"topic":"eqiad.mediawiki.recentchange","partition":0,"offset":${offset}}]`;
const event = (offset: number): StreamItem => ({
  kind: 'message',
  type: 'message',
  id: id(offset),
  data: JSON.stringify({ meta: { id: `e${offset}`, dt: new Date(Date.UTC(2023, 6, 29, 7, 0, offset)).toISOString(), offset }, wiki: 'enwiki', type: 'edit' }),
});

/** A connection playing a script of chunks; it hangs at the end when told (a stall), until closed. */
function scripted(chunks: readonly (readonly StreamItem[])[], hangAtEnd = false) {
  const state = { pulled: 0, closedWith: undefined as Error | undefined };
  let wake: (() => void) | undefined;
  const connection: StreamConnection = {
    async *chunks() {
      for (const items of chunks) {
        if (state.closedWith !== undefined) throw state.closedWith;
        state.pulled += 1;
        yield items;
      }
      if (hangAtEnd && state.closedWith === undefined) await new Promise<void>((resolve) => (wake = resolve));
      if (state.closedWith !== undefined && state.closedWith.message !== 'done') throw state.closedWith;
    },
    close(reason) {
      state.closedWith ??= reason;
      wake?.();
    },
  };
  return { state, connection };
}

function transportOf(connections: StreamConnection[], requests: ConnectRequest[], onExhausted: () => void): StreamTransport {
  return {
    connect: async (request) => {
      requests.push(request);
      const next = connections.shift();
      if (next === undefined) {
        onExhausted();
        throw new Error('no more connections');
      }
      return next;
    },
  };
}

function session(connections: StreamConnection[], start: SessionStart, options: { capacity?: number; stallTimeoutMs?: number; now?: () => number } = {}) {
  const requests: ConnectRequest[] = [];
  const stopping = new AbortController();
  const stats = newStreamStats();
  const buffer = new BoundedBuffer<PipelineItem>(options.capacity ?? 1000, { onPause: () => (stats.backpressurePauses += 1), onResume: () => undefined });
  const run = new StreamSession({
    instance,
    transport: transportOf(connections, requests, () => stopping.abort()),
    buffer,
    extract: createEventExtractor(definition),
    start,
    stallTimeoutMs: options.stallTimeoutMs ?? 10_000,
    backoff: { baseDelayMs: 1, maxDelayMs: 5 },
    stats,
    logger: silentLogger,
    ...(options.now === undefined ? {} : { now: options.now }),
  }).run(stopping.signal);
  const drain = async () => {
    const items: PipelineItem[] = [];
    while (buffer.size > 0) {
      const item = await buffer.take();
      if (item !== undefined) items.push(item);
    }
    return items;
  };
  return { requests, stats, buffer, run, stopping, drain };
}

const fresh: SessionStart = { position: undefined, lastEventTime: null, hadEvents: false, recentKeys: [] };

describe('StreamSession', () => {
  it('resumes one event early after a drop, and sees no gap when the server re-sends it', async () => {
    const s = session([scripted([[event(1), event(2)], [event(3)]]).connection, scripted([[event(3), event(4)]]).connection], fresh);
    await s.run;
    expect(s.requests.map((r) => r.lastEventId)).toEqual([undefined, id(2), id(3)]);
    const items = await s.drain();
    expect(items.map((i) => (i.kind === 'event' ? i.record.key : i.kind))).toEqual(['e1', 'e2', 'e3', 'e3', 'e4']);
    expect(s.stats).toMatchObject({ received: 5, gaps: 0, reconnects: 2 });
  });

  it('stamps each event with its receipt time in context, leaving the event text, key and version as sent', async () => {
    let clock = Date.UTC(2026, 11, 2, 6, 0, 0, 123);
    const s = session([scripted([[event(1)], [event(2)]]).connection], fresh, { now: () => (clock += 1000) });
    await s.run;
    const events = (await s.drain()).flatMap((i) => (i.kind === 'event' ? [i.record] : []));
    expect(events.map((r) => r.context)).toEqual(['{"received_at":"2026-12-02T06:00:01.123Z"}', '{"received_at":"2026-12-02T06:00:02.123Z"}']);
    const extract = createEventExtractor(definition);
    const asSent = (item: StreamItem) => {
      const extraction = extract(item.kind === 'message' ? item.data : '');
      if (!extraction.ok) throw new Error(extraction.message);
      return extraction.record;
    };
    expect(events.map((r) => ({ ...r, context: null }))).toEqual([asSent(event(1)), asSent(event(2))]);
  });

  it('records a gap when the server does not continue from the position sent', async () => {
    const start: SessionStart = { position: id(3), lastEventTime: new Date(Date.UTC(2023, 6, 29, 7, 0, 3)), hadEvents: true, recentKeys: ['e2', 'e3'] };
    const s = session([scripted([[event(40), event(41)]]).connection], start);
    await s.run;
    expect(s.requests[0]?.lastEventId).toBe(id(2));
    const [gap, first] = await s.drain();
    expect(gap).toEqual({
      kind: 'gap',
      gap: expect.objectContaining({
        stream: 'wikimedia-recentchange',
        reason: 'resume-refused',
        gap_start: '2023-07-29T07:00:03.000Z',
        gap_end: '2023-07-29T07:00:40.000Z',
        from_position: id(3),
        to_position: id(40),
        positions_skipped: 36,
      }),
    });
    expect(first).toMatchObject({ kind: 'event', record: { key: 'e40' } });
    expect(s.stats.gaps).toBe(1);
  });

  it('turns bad messages into dead-letter items and keeps going', async () => {
    const bad: StreamItem[] = [
      { kind: 'message', type: 'message', id: id(1), data: '{"meta":' },
      { kind: 'oversized', bytes: 2_000_000, preview: 'data: xxx', id: id(1) },
      { kind: 'message', type: 'message', id: id(1), data: '{"wiki":"enwiki"}' },
      { kind: 'message', type: 'other', id: id(1), data: '{}' },
    ];
    const s = session([scripted([[event(1), ...bad, event(2)]]).connection], fresh);
    await s.run;
    expect((await s.drain()).map((i) => (i.kind === 'malformed' ? i.reason : i.kind))).toEqual(['event', 'MALFORMED_JSON', 'OVERSIZED_LINE', 'MISSING_FIELD', 'event']);
    expect(s.stats).toMatchObject({ received: 5, malformed: 3, ignored: 1 });
  });

  it('reconnects after a stall: no byte for stallTimeoutMs', async () => {
    const stalled = scripted([[event(1)]], true);
    const s = session([stalled.connection, scripted([[event(1), event(2)]]).connection], fresh, { stallTimeoutMs: 100 });
    await s.run;
    expect(stalled.state.closedWith).toMatchObject({ code: 'STREAM_STALLED' });
    expect(s.stats.stalls).toBe(1);
    expect(s.requests[1]?.lastEventId).toBe(id(0));
  });

  it('stops reading while the buffer is full, without mistaking the pause for a stall', async () => {
    const chunks = Array.from({ length: 50 }, (_, i) => [event(i + 1)]);
    const connection = scripted(chunks);
    const s = session([connection.connection], fresh, { capacity: 4, stallTimeoutMs: 100 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(connection.state.pulled).toBeLessThanOrEqual(5);
    expect(s.stats).toMatchObject({ stalls: 0, backpressurePauses: 1 });
    const taken: string[] = [];
    while (taken.length < 50) {
      const item = await s.buffer.take(1000);
      if (item?.kind === 'event') taken.push(item.record.key);
    }
    await s.run;
    expect(taken).toEqual(chunks.map((_, i) => `e${i + 1}`));
    expect(s.stats.stalls).toBe(0);
  });
});
