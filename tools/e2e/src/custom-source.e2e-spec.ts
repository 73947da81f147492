import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { WORKSPACE_ROOT, eventually, PipelineHarness } from '@fluxo/e2e-harness';

const EXAMPLE = join(WORKSPACE_ROOT, 'docs', 'examples', 'github-events');

/** The README's promise: a new JSON API is a definition file, not code. */
describe('a source added by configuration only (docs/examples/github-events)', () => {
  let pipeline: PipelineHarness;
  let api: Server;

  beforeAll(async () => {
    const body = await readFile(join(EXAMPLE, 'sample-response.json'));
    api = createServer((request, response) => {
      if (request.url?.startsWith('/events') !== true) return void response.writeHead(404).end();
      response.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    pipeline = await PipelineHarness.create('custom');
  });
  afterAll(async () => {
    await pipeline.close();
    await new Promise((resolve) => api.close(resolve));
  });

  it('flows from the API to a curated dataset with the declared schema', async () => {
    const extra = { FLUXO_DEFINITIONS_DIR: EXAMPLE, FLUXO_SOURCE_BASE_URL: `http://127.0.0.1:${(api.address() as AddressInfo).port}` };
    await pipeline.startNormalizer(extra);
    await pipeline.startIngest('github-events?intervalMs=500', extra);
    const rows = await eventually(
      () => pipeline.queryTable<Record<string, unknown>>('github_events', 'event_id, event_type, actor_login, repo_name, created_at, is_public', 'ORDER BY event_id'),
      (found) => found.length >= 2,
      'the two sample events are curated',
    );
    expect(rows).toEqual([
      { event_id: '44000000001', event_type: 'PushEvent', actor_login: 'octocat', repo_name: 'octocat/hello-world', created_at: '2025-05-04T13:52:57.000Z', is_public: true },
      { event_id: '44000000002', event_type: 'WatchEvent', actor_login: 'hubot', repo_name: 'github/docs', created_at: '2025-05-04T13:53:01.000Z', is_public: true },
    ]);
  });
});
