import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startReplayServer, type ReplayServerOptions } from './index';
import { rawGet } from './testing/http-client';
import { openSse, type SseConnection } from './testing/sse-client';

const FIXTURES = join(__dirname, '..', 'fixtures', 'wikimedia');
const STREAM = '/v2/stream/recentchange';
const recordedLines = readFileSync(join(FIXTURES, 'recentchange_enwiki_edits_20230729.ndjson'), 'utf8')
  .split('\n')
  .filter((line) => line !== '');

interface Change {
  meta: { id: string; dt: string; offset: number; topic: string; partition: number };
  id: number;
  timestamp: number;
}
type Event = Awaited<ReturnType<SseConnection['events']>>[number];

const recorded = recordedLines.map((line) => JSON.parse(line) as Change);
const fast: ReplayServerOptions = { sse: { eventsPerSecond: 0, heartbeatMs: 0 } };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function change(event: Event): Change {
  return JSON.parse(event.data) as Change;
}
function offsetOf(event: Event): number {
  const [position] = JSON.parse(event.id ?? '[]') as Array<{ offset: number }>;
  return position?.offset ?? -1;
}

describe('Wikimedia recentchange SSE', () => {
  it('streams the recorded events in the real SSE format', async () => {
    await using server = await startReplayServer(fast);
    const conn = await openSse(`${server.url}${STREAM}`);
    expect(conn.status).toBe(200);
    expect(conn.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const events = await conn.events(100);
    conn.close();
    expect(events.map((e) => e.data)).toEqual(recordedLines);
    for (const event of events) {
      expect(event.event).toBe('message');
      expect(JSON.parse(event.id ?? '')).toEqual([{ topic: 'eqiad.mediawiki.recentchange', partition: 0, offset: change(event).meta.offset }]);
    }
    const offsets = events.map(offsetOf);
    expect(offsets.every((o, i) => i === 0 || o > (offsets[i - 1] ?? 0))).toBe(true);
  });

  it('resumes right after the offset in Last-Event-ID', async () => {
    await using server = await startReplayServer(fast);
    const first = await openSse(`${server.url}${STREAM}`);
    const events = await first.events(10);
    first.close();
    const resumeFrom = events[4];
    const second = await openSse(`${server.url}${STREAM}`, { 'Last-Event-ID': resumeFrom?.id ?? '' });
    const [next] = await second.events(1);
    second.close();
    expect(next?.data).toBe(events[5]?.data);
  });

  it('resumes from the timestamp form the live service sends, at the first event at or after it', async () => {
    await using server = await startReplayServer(fast);
    const liveId = readFileSync(join(FIXTURES, 'recentchange_sse_20221211.txt'), 'utf8')
      .split('\n')
      .find((line) => line.startsWith('id: '))
      ?.slice(4);
    const fromCapture = await openSse(`${server.url}${STREAM}`, { 'Last-Event-ID': liveId ?? '' });
    expect((await fromCapture.events(1))[0]?.data).toBe(recordedLines[0]);
    fromCapture.close();

    const target = (recorded[30]?.timestamp ?? 0) * 1000;
    const expected = recorded.findIndex((e) => e.timestamp * 1000 >= target);
    const id = JSON.stringify([
      { topic: 'eqiad.mediawiki.recentchange', partition: 0, timestamp: target },
      { topic: 'codfw.mediawiki.recentchange', partition: 0, offset: -1 },
    ]);
    const byTime = await openSse(`${server.url}${STREAM}`, { 'Last-Event-ID': id });
    expect((await byTime.events(1))[0]?.data).toBe(recordedLines[expected]);
    byTime.close();

    const since = await openSse(`${server.url}${STREAM}?since=${encodeURIComponent(recorded[30]?.meta.dt ?? '')}`);
    expect((await since.events(1))[0]?.data).toBe(recordedLines[expected]);
    since.close();
  });

  it('loops with new unique meta.id, increasing offsets and shifted timestamps', async () => {
    await using server = await startReplayServer(fast);
    const conn = await openSse(`${server.url}${STREAM}`);
    const events = await conn.events(250);
    conn.close();
    const changes = events.map(change);
    expect(new Set(changes.map((c) => c.meta.id)).size).toBe(250);
    expect(new Set(changes.map((c) => c.id)).size).toBe(250);
    expect(changes.every((c) => UUID.test(c.meta.id))).toBe(true);
    const offsets = events.map(offsetOf);
    expect(offsets.every((o, i) => i === 0 || o > (offsets[i - 1] ?? 0))).toBe(true);
    expect(changes.map((c) => c.meta.offset)).toEqual(offsets);

    const original = changes[7];
    const looped = changes[107];
    const loopedTwice = changes[207];
    const shiftMs = Date.parse(looped?.meta.dt ?? '') - Date.parse(original?.meta.dt ?? '');
    expect(shiftMs).toBeGreaterThan(0);
    expect(Date.parse(loopedTwice?.meta.dt ?? '') - Date.parse(original?.meta.dt ?? '')).toBe(2 * shiftMs);
    expect(((looped?.timestamp ?? 0) - (original?.timestamp ?? 0)) * 1000).toBe(shiftMs);
    expect(looped?.meta.dt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const maxFirstLoop = Math.max(...changes.slice(0, 100).map((c) => Date.parse(c.meta.dt)));
    expect(Math.min(...changes.slice(100, 200).map((c) => Date.parse(c.meta.dt)))).toBeGreaterThan(maxFirstLoop);

    const again = await openSse(`${server.url}${STREAM}`, { 'Last-Event-ID': events[149]?.id ?? '' });
    expect((await again.events(1))[0]?.data).toBe(events[150]?.data);
    again.close();
  });

  it('sends :ok comments as heartbeats', async () => {
    await using server = await startReplayServer({ sse: { eventsPerSecond: 2, heartbeatMs: 50 } });
    const conn = await openSse(`${server.url}${STREAM}`);
    const comments: string[] = [];
    while (comments.length < 3) {
      const item = await conn.next();
      if (item.type === 'comment') comments.push(item.text);
    }
    conn.close();
    expect(comments).toEqual(['ok', 'ok', 'ok']);
  });

  it('sse-drop-after closes the stream after N events', async () => {
    await using server = await startReplayServer(fast);
    server.setFault({ kind: 'sse-drop-after', path: STREAM, events: 3 });
    const conn = await openSse(`${server.url}${STREAM}`);
    const events = await conn.events(10);
    expect(events).toHaveLength(3);
    expect(await conn.next()).toEqual({ type: 'end' });
  });

  it('sse-stall goes silent (no heartbeats either) with the socket open, then carries on', async () => {
    await using server = await startReplayServer({ sse: { eventsPerSecond: 0, heartbeatMs: 20 } });
    server.setFault({ kind: 'sse-stall', path: STREAM, afterEvents: 2, ms: 400 });
    const conn = await openSse(`${server.url}${STREAM}`);
    const before = await conn.events(2);
    const stalledAt = Date.now();
    let item = await conn.next(2000);
    while (item.type === 'comment' && Date.now() - stalledAt < 50) item = await conn.next(2000);
    while (item.type === 'comment') item = await conn.next(2000);
    expect(Date.now() - stalledAt).toBeGreaterThanOrEqual(300);
    conn.close();
    expect(item.type).toBe('event');
    expect(before.map((e) => e.data)).toEqual(recordedLines.slice(0, 2));
    expect(item.type === 'event' ? item.data : '').toBe(recordedLines[2]);
  });

  it('sse-garbage emits a message whose data is not JSON, then carries on', async () => {
    await using server = await startReplayServer(fast);
    server.setFault({ kind: 'sse-garbage', path: STREAM, afterEvents: 1 });
    const conn = await openSse(`${server.url}${STREAM}`);
    const [good, bad, next] = await conn.events(3);
    conn.close();
    expect(good?.data).toBe(recordedLines[0]);
    expect(bad?.id).toBeUndefined();
    expect(() => JSON.parse(bad?.data ?? '') as unknown).toThrow(SyntaxError);
    expect(next?.data).toBe(recordedLines[1]);
  });

  it('sse-garbage can emit an oversized line', async () => {
    await using server = await startReplayServer(fast);
    server.setFault({ kind: 'sse-garbage', path: STREAM, afterEvents: 0, variant: 'oversized', bytes: 300_000 });
    const conn = await openSse(`${server.url}${STREAM}`);
    const [bad] = await conn.events(1);
    conn.close();
    expect(bad?.data).toHaveLength(300_000);
  });

  it('sse-refuse-resume ignores Last-Event-ID and starts past the live position, leaving a gap', async () => {
    await using server = await startReplayServer(fast);
    const first = await openSse(`${server.url}${STREAM}`);
    const seen = await first.events(20);
    first.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const livePosition = server.state().endpoints.find((e) => e.path === STREAM)?.position ?? -1;
    expect(livePosition).toBeGreaterThanOrEqual(19);

    server.setFault({ kind: 'sse-refuse-resume', path: STREAM, skipEvents: 10 });
    const resumed = await openSse(`${server.url}${STREAM}`, { 'Last-Event-ID': seen[4]?.id ?? '' });
    const [next] = await resumed.events(1);
    resumed.close();
    const expectedSeq = livePosition + 1 + 10;
    expect(next?.data).not.toBe(seen[5]?.data);
    expect(next?.data).toBe(recordedLines[expectedSeq % 100]);
    expect(offsetOf(next as Event)).toBeGreaterThan(offsetOf(seen[19] as Event));
  });

  it('plays HTTP faults on the stream path too', async () => {
    await using server = await startReplayServer(fast);
    server.setFault({ kind: 'status-503', path: STREAM, retryAfterS: 1 });
    const res = await rawGet(`${server.url}${STREAM}`);
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
  });

  it('ends open streams when the server closes', async () => {
    const server = await startReplayServer({ sse: { eventsPerSecond: 5, heartbeatMs: 0 } });
    const conn = await openSse(`${server.url}${STREAM}`);
    await conn.events(1);
    expect(server.state().endpoints.find((e) => e.path === STREAM)?.openStreams).toBe(1);
    await server.close();
    let item = await conn.next();
    while (item.type !== 'end') item = await conn.next();
    expect(item.type).toBe('end');
  });
});
