import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startReplayServer } from './index';
import { rawGet } from './testing/http-client';

const snapshots = readFileSync(join(__dirname, '..', 'fixtures', 'open-meteo', 'jacarei_forecast_daily_snapshots.ndjson'), 'utf8')
  .split('\n')
  .filter((line) => line !== '')
  .map((line) => (JSON.parse(line) as { response: unknown }).response);

describe('Open-Meteo /v1/forecast', () => {
  it('serves the recorded responses in order, whatever the query', async () => {
    await using server = await startReplayServer();
    const bodies: unknown[] = [];
    for (const query of ['latitude=-23.305&longitude=-45.966&hourly=temperature_2m', 'latitude=0&longitude=0', 'latitude=1,2&longitude=3,4']) {
      const res = await rawGet(`${server.url}/v1/forecast?${query}`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      bodies.push(JSON.parse(res.body));
    }
    expect(bodies).toEqual(snapshots.slice(0, 3));
  });

  it.each([
    ['longitude=-45.9', "Value of type 'Float' required for key 'latitude'."],
    ['latitude=-23.3', "Value of type 'Float' required for key 'longitude'."],
    ['latitude=abc&longitude=1', "Value of type 'Float' required for key 'latitude'."],
    ['latitude=91&longitude=1', 'Latitude must be in range of -90 to 90°. Given: 91.'],
  ])('rejects %s with an Open-Meteo style 400', async (query, reason) => {
    await using server = await startReplayServer();
    const res = await rawGet(`${server.url}/v1/forecast?${query}`);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ error: true, reason });
    expect(server.state().endpoints.find((e) => e.path === '/v1/forecast')?.position).toBe(0);
  });
});
