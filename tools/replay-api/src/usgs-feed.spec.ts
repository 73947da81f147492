import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startReplayServer } from './index';
import { rawGet } from './testing/http-client';

const FIXTURES = join(__dirname, '..', 'fixtures');
const USGS_DIR = join(FIXTURES, 'usgs', 'sudo-ivan-2025-05-04');
const ALL_DAY = '/earthquakes/feed/v1.0/summary/all_day.geojson';
const SIGNIFICANT = '/earthquakes/feed/v1.0/summary/significant_month.geojson';

/** The recorded all_day polls, oldest first. */
const allDayFiles = readdirSync(USGS_DIR)
  .filter((f) => f.startsWith('all_day_'))
  .sort();

function generated(body: string): number {
  return (JSON.parse(body) as { metadata: { generated: number } }).metadata.generated;
}

describe('USGS summary feeds', () => {
  it('serves the recorded polls in order, one per request, then keeps serving the last', async () => {
    await using server = await startReplayServer();
    const seen: string[] = [];
    for (let i = 0; i < allDayFiles.length + 2; i += 1) {
      const res = await rawGet(`${server.url}${ALL_DAY}`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json');
      seen.push(res.body);
    }
    const expected = allDayFiles.map((f) => readFileSync(join(USGS_DIR, f), 'utf8'));
    expect(seen.slice(0, expected.length)).toEqual(expected);
    expect(seen.slice(expected.length)).toEqual([expected.at(-1), expected.at(-1)]);
    const times = seen.map(generated);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('sends a strong sha256 ETag and Last-Modified from metadata.generated', async () => {
    await using server = await startReplayServer();
    const res = await rawGet(`${server.url}${ALL_DAY}`);
    const sha = createHash('sha256').update(res.body).digest('hex');
    expect(res.headers.etag).toBe(`"${sha}"`);
    expect(Date.parse(String(res.headers['last-modified']))).toBe(generated(res.body));
  });

  it('answers 304 to the current poll validators without moving the feed', async () => {
    await using server = await startReplayServer();
    const first = await rawGet(`${server.url}${SIGNIFICANT}`);
    const etag = String(first.headers.etag);
    const conditional = await rawGet(`${server.url}${SIGNIFICANT}`, { 'If-None-Match': etag });
    expect(conditional.status).toBe(304);
    expect(conditional.body).toBe('');
    expect(conditional.headers.etag).toBe(etag);
    const byDate = await rawGet(`${server.url}${SIGNIFICANT}`, { 'If-Modified-Since': String(first.headers['last-modified']) });
    expect(byDate.status).toBe(304);
    const endpoint = server.state().endpoints.find((e) => e.path === SIGNIFICANT);
    expect(endpoint).toMatchObject({ notModified: 2, served: 1, position: 0 });
  });

  it('gives a client polling with a stale ETag the next poll, and 304 once the recording is exhausted', async () => {
    await using server = await startReplayServer();
    let etag = '';
    let lastModified = '';
    const statuses: number[] = [];
    for (let i = 0; i < allDayFiles.length + 2; i += 1) {
      const res = await rawGet(`${server.url}${ALL_DAY}`, etag === '' ? {} : { 'If-None-Match': etag });
      statuses.push(res.status);
      if (res.status === 200) {
        etag = String(res.headers.etag);
        lastModified = String(res.headers['last-modified']);
      }
    }
    expect(statuses).toEqual([...allDayFiles.map(() => 200), 304, 304]);
    const oldDate = await rawGet(`${server.url}${ALL_DAY}`, { 'If-Modified-Since': 'Sun, 04 May 2025 13:00:00 GMT' });
    expect(oldDate.status).toBe(200);
    const sameDate = await rawGet(`${server.url}${ALL_DAY}`, { 'If-Modified-Since': lastModified });
    expect(sameDate.status).toBe(304);
  });

  it('answers HEAD without a body and without moving the feed', async () => {
    await using server = await startReplayServer();
    const head = await rawGet(`${server.url}${ALL_DAY}`, {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    const get = await rawGet(`${server.url}${ALL_DAY}`);
    expect(get.headers.etag).toBe(head.headers.etag);
  });

  it('advances on the clock in clock mode, in recorded order', async () => {
    await using server = await startReplayServer({ advance: 'clock', stepMs: 40 });
    const times: number[] = [];
    const last = generated(readFileSync(join(USGS_DIR, allDayFiles.at(-1) ?? ''), 'utf8'));
    for (let attempt = 0; attempt < 200 && times.at(-1) !== last; attempt += 1) {
      times.push(generated((await rawGet(`${server.url}${ALL_DAY}`)).body));
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    expect(times.at(-1)).toBe(last);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(new Set(times).size).toBeGreaterThan(1);
  });

  it('does not move on requests in clock mode, so a repeated conditional GET is a 304', async () => {
    await using server = await startReplayServer({ advance: 'clock', stepMs: 60_000 });
    const first = await rawGet(`${server.url}${ALL_DAY}`);
    const second = await rawGet(`${server.url}${ALL_DAY}`);
    expect(second.body).toBe(first.body);
    const conditional = await rawGet(`${server.url}${ALL_DAY}`, { 'If-None-Match': String(first.headers.etag) });
    expect(conditional.status).toBe(304);
  });

  it('rewinds on reset', async () => {
    await using server = await startReplayServer();
    const first = await rawGet(`${server.url}${ALL_DAY}`);
    await rawGet(`${server.url}${ALL_DAY}`);
    server.reset();
    expect((await rawGet(`${server.url}${ALL_DAY}`)).body).toBe(first.body);
  });
});
