import { silentLogger } from '@fluxo/schema';
import { startReplayServer, type ReplayServer } from './index';

/** Issue 10: any folder of recorded responses is served (fixtures/apis/<api>/recording.json). */
describe('recorded APIs', () => {
  let replay: ReplayServer;
  beforeAll(async () => {
    replay = await startReplayServer({ logger: silentLogger });
  });
  afterAll(async () => replay.close());

  it('serves each recorded response at the real path, bytes and content type as recorded, with an ETag', async () => {
    const response = await fetch(`${replay.url}/api/v3/simple/price?ids=bitcoin,ethereum&vs_currencies=usd,myr`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await response.text()).toBe('{\n  "bitcoin": { "usd": 5005.73, "myr": 20474 },\n  "ethereum": { "usd": 163.58, "myr": 669.07 }\n}\n');
    const etag = response.headers.get('etag') ?? '';
    expect((await fetch(`${replay.url}/api/v3/simple/price`, { headers: { 'if-none-match': etag } })).status).toBe(304);
    expect((await fetch(`${replay.url}/api/tournament/hallow23/results?nb=3`)).headers.get('content-type')).toBe('application/x-ndjson');
  });

  it('routes pages by their recorded query and points Link headers at the replay server', async () => {
    const first = await fetch(`${replay.url}/repos/octokit-fixture-org/tmp-scenario-paginate-issues-20220719043836917-izyoe/issues?per_page=3`);
    const link = first.headers.get('link') ?? '';
    expect(link).toBe(`<${replay.url}/repositories/515435940/issues?per_page=3&page=2>; rel="next", <${replay.url}/repositories/515435940/issues?per_page=3&page=5>; rel="last"`);
    const second = await fetch(`${replay.url}/repositories/515435940/issues?page=2&per_page=3`);
    expect(((await second.json()) as { number: number }[]).map((issue) => issue.number)).toEqual([10, 9, 8]);
    const unknown = await fetch(`${replay.url}/repositories/515435940/issues?per_page=3&page=9`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: 'NOT_RECORDED' });
  });
});
