import { startReplayServer } from './index';
import { postJson, rawGet } from './testing/http-client';

const ALL_DAY = '/earthquakes/feed/v1.0/summary/all_day.geojson';
const FORECAST = '/v1/forecast?latitude=-23.305&longitude=-45.966';

describe('HTTP faults', () => {
  it('status-429 sends Retry-After for the next n matching requests, then recovers', async () => {
    await using server = await startReplayServer();
    server.setFault({ kind: 'status-429', path: '/earthquakes/', count: 2, retryAfterS: 5 });
    const first = await rawGet(`${server.url}${ALL_DAY}`);
    const second = await rawGet(`${server.url}${ALL_DAY}`);
    const third = await rawGet(`${server.url}${ALL_DAY}`);
    expect([first.status, second.status, third.status]).toEqual([429, 429, 200]);
    expect(first.headers['retry-after']).toBe('5');
    expect(server.state().faults).toEqual([]);
  });

  it.each([
    ['status-500', 500],
    ['status-503', 503],
  ] as const)('%s answers %d', async (kind, status) => {
    await using server = await startReplayServer();
    server.setFault({ kind, path: '/v1/forecast' });
    expect((await rawGet(`${server.url}${FORECAST}`)).status).toBe(status);
    expect((await rawGet(`${server.url}${FORECAST}`)).status).toBe(200);
  });

  it('slow delays the response, which then arrives intact', async () => {
    await using server = await startReplayServer();
    server.setFault({ kind: 'slow', path: ALL_DAY, delayMs: 300 });
    const started = Date.now();
    const res = await rawGet(`${server.url}${ALL_DAY}`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(res.status).toBe(200);
    expect(() => JSON.parse(res.body) as unknown).not.toThrow();
  });

  it('truncate cuts the body short and drops the socket; the retry gets the same poll', async () => {
    await using server = await startReplayServer();
    server.setFault({ kind: 'truncate', path: ALL_DAY });
    const broken = await rawGet(`${server.url}${ALL_DAY}`);
    expect(broken.status).toBe(200);
    expect(broken.error).toBeDefined();
    expect(Buffer.byteLength(broken.body)).toBeLessThan(Number(broken.headers['content-length']));
    expect(() => JSON.parse(broken.body) as unknown).toThrow();
    const retry = await rawGet(`${server.url}${ALL_DAY}`);
    expect(retry.body.startsWith(broken.body)).toBe(true);
  });

  it('truncate makes fetch fail while reading the body', async () => {
    await using server = await startReplayServer();
    server.setFault({ kind: 'truncate', path: ALL_DAY });
    const res = await fetch(`${server.url}${ALL_DAY}`);
    await expect(res.text()).rejects.toThrow();
  });

  it('malformed sends a complete HTTP 200 whose JSON does not parse', async () => {
    await using server = await startReplayServer();
    server.setFault({ kind: 'malformed', path: '/v1/forecast' });
    const res = await rawGet(`${server.url}${FORECAST}`);
    expect(res.status).toBe(200);
    expect(res.error).toBeUndefined();
    expect(Buffer.byteLength(res.body)).toBe(Number(res.headers['content-length']));
    expect(() => JSON.parse(res.body) as unknown).toThrow(SyntaxError);
  });

  it('reset destroys the socket before any response', async () => {
    await using server = await startReplayServer();
    server.setFault({ kind: 'reset', path: ALL_DAY });
    const res = await rawGet(`${server.url}${ALL_DAY}`);
    expect(res.status).toBe(0);
    expect(res.error?.code).toMatch(/ECONNRESET|EPIPE/);
    await expect(fetch(`${server.url}${ALL_DAY}`)).resolves.toHaveProperty('status', 200);
  });

  it('matches by path prefix and only on endpoints the kind applies to', async () => {
    await using server = await startReplayServer();
    server.setFault({ kind: 'sse-drop-after', path: '/', events: 1 });
    server.setFault({ kind: 'status-500', path: '/earthquakes/feed/' });
    const forecast = await rawGet(`${server.url}${FORECAST}`);
    expect(forecast.status).toBe(200);
    expect((await rawGet(`${server.url}${ALL_DAY}`)).status).toBe(500);
    expect(server.state().faults.map((f) => f.kind)).toEqual(['sse-drop-after']);
  });

  it('takes faults from the start-up options', async () => {
    await using server = await startReplayServer({ faults: [{ kind: 'status-503', path: ALL_DAY, retryAfterS: 2 }] });
    const res = await rawGet(`${server.url}${ALL_DAY}`);
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('2');
  });

  it('is settable over the admin API', async () => {
    await using server = await startReplayServer();
    const queued = await postJson(`${server.url}/_replay/faults`, { path: ALL_DAY, kind: 'status-429', count: 1, retryAfterS: 3 });
    expect(queued.status).toBe(201);
    expect(queued.json).toMatchObject({ kind: 'status-429', count: 1, remaining: 1, retryAfterS: 3 });
    expect((await rawGet(`${server.url}${ALL_DAY}`)).headers['retry-after']).toBe('3');
  });
});
