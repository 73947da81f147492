import { startReplayServer, type ReplayState } from './index';
import { postJson, rawGet } from './testing/http-client';

const ALL_HOUR = '/earthquakes/feed/v1.0/summary/all_hour.geojson';

async function state(url: string): Promise<ReplayState> {
  return (await (await fetch(`${url}/_replay/state`)).json()) as ReplayState;
}

describe('admin API', () => {
  it('reports position, requests served and pending faults per endpoint', async () => {
    await using server = await startReplayServer();
    await rawGet(`${server.url}${ALL_HOUR}`);
    await rawGet(`${server.url}${ALL_HOUR}`);
    server.setFault({ kind: 'status-500', path: '/earthquakes/', count: 3 });
    const current = await state(server.url);
    expect(current.advance).toBe('per-request');
    expect(current.endpoints.map((e) => e.path)).toEqual([
      '/earthquakes/feed/v1.0/summary/all_day.geojson',
      '/earthquakes/feed/v1.0/summary/all_hour.geojson',
      '/earthquakes/feed/v1.0/summary/significant_month.geojson',
      '/v1/forecast',
      '/v2/stream/recentchange',
      // recorded APIs (fixtures/apis/*/recording.json), in the order the server lists them
      '/api/v3/simple/price',
      '/repos/octokit-fixture-org/tmp-scenario-paginate-issues-20220719043836917-izyoe/issues',
      '/repositories/515435940/issues',
      '/api/tournament/hallow23/results',
      '/api/states/all',
    ]);
    const hour = current.endpoints.find((e) => e.path === ALL_HOUR);
    expect(hour).toMatchObject({ position: 2, recorded: 6, requests: 2, served: 2 });
    expect(hour?.faultsPending).toEqual([expect.objectContaining({ kind: 'status-500', remaining: 3 })]);
    expect(current.endpoints.find((e) => e.path === '/v1/forecast')?.faultsPending).toEqual([]);
  });

  it('resets positions, counters and faults', async () => {
    await using server = await startReplayServer();
    await rawGet(`${server.url}${ALL_HOUR}`);
    server.setFault({ kind: 'status-500', path: '/' });
    const res = await fetch(`${server.url}/_replay/reset`, { method: 'POST' });
    expect(res.status).toBe(200);
    const after = (await res.json()) as ReplayState;
    expect(after.faults).toEqual([]);
    expect(after.endpoints.find((e) => e.path === ALL_HOUR)).toMatchObject({ position: 0, requests: 0 });
  });

  it('rejects an invalid fault with every problem listed', async () => {
    await using server = await startReplayServer();
    const res = await postJson(`${server.url}/_replay/faults`, { path: 'earthquakes', kind: 'status-418', count: 0 });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: 'INVALID_FAULT' });
    expect((res.json as { problems: string[] }).problems).toHaveLength(3);
    const wrongParam = await postJson(`${server.url}/_replay/faults`, { path: '/', kind: 'slow', delayMs: -1, events: 3 });
    expect((wrongParam.json as { problems: string[] }).problems).toEqual([
      'slow does not take "events" (it takes delayMs)',
      'delayMs must be an integer >= 0',
    ]);
    const notJson = await fetch(`${server.url}/_replay/faults`, { method: 'POST', body: '{nope' });
    expect(notJson.status).toBe(400);
  });

  it('lists and clears the fault queue', async () => {
    await using server = await startReplayServer();
    server.setFault({ kind: 'slow', path: '/v1/' });
    expect(await (await fetch(`${server.url}/_replay/faults`)).json()).toEqual([expect.objectContaining({ kind: 'slow', delayMs: 1000 })]);
    expect(await (await fetch(`${server.url}/_replay/faults`, { method: 'DELETE' })).json()).toEqual({ cleared: 1 });
    expect(server.state().faults).toEqual([]);
  });

  it('answers 404 for unknown paths and 405 for other methods', async () => {
    await using server = await startReplayServer();
    expect((await rawGet(`${server.url}/earthquakes/feed/v1.0/summary/all_month.geojson`)).status).toBe(404);
    expect((await rawGet(`${server.url}${ALL_HOUR}`, {}, 'DELETE')).status).toBe(405);
    expect((await rawGet(`${server.url}/_replay/state`, {}, 'POST')).status).toBe(405);
  });
});
