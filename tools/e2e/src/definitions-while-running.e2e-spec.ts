import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WORKSPACE_ROOT, eventually, PipelineHarness } from '@fluxo/e2e-harness';
import { announced, distinctReferences, everythingCurated, FAST_STREAM_ENV, nthLine } from './support/stream-checks';

const EXAMPLE = join(WORKSPACE_ROOT, 'docs', 'examples', 'github-events');
const WIKIMEDIA = join(WORKSPACE_ROOT, 'libs', 'schema', 'definitions', 'sources', 'wikimedia-recentchange.json');

/** Issue 10, item 6: definitions are picked up by running apps, without a restart. */
describe('definition files added to, changed in and removed from the folder of a running ingest, stream-ingest and normalizer', () => {
  let pipeline: PipelineHarness;
  let api: Server;
  let definitions: string;

  beforeAll(async () => {
    const body = await readFile(join(EXAMPLE, 'sample-response.json'));
    api = createServer((request, response) => {
      if (request.url?.startsWith('/events') !== true) return void response.writeHead(404).end();
      response.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    definitions = await mkdtemp(join(tmpdir(), 'fluxo-e2e-definitions-'));
    await mkdir(join(definitions, 'sources'));
    await mkdir(join(definitions, 'datasets'));
    pipeline = await PipelineHarness.create('definitions-while-running');
  });
  afterAll(async () => {
    await pipeline.close();
    await new Promise((resolve) => api.close(resolve));
    await rm(definitions, { recursive: true, force: true });
  });

  it('polls and curates a source added while both run, keeps running on an invalid edit, and stops the source when its file goes', async () => {
    const extra = {
      FLUXO_DEFINITIONS_DIR: definitions,
      FLUXO_DEFINITIONS_SCAN_INTERVAL_MS: '200',
      FLUXO_SOURCE_BASE_URL: `http://127.0.0.1:${(api.address() as AddressInfo).port}`,
    };
    // Both run before the first file appears: a definition that is invalid at start-up stops an app (by design).
    const normalizer = await pipeline.startNormalizer(extra);
    await normalizer.waitForLine((line) => line.msg?.startsWith('normalizer running') === true, 180_000);
    const ingest = await pipeline.startIngest('*', extra); // every source of the folder: none yet
    await ingest.waitForLine((line) => line.msg?.startsWith('ingest running') === true, 180_000);

    // A mistake first: the source without its key. One message names it; the app keeps running.
    const source = JSON.parse(await readFile(join(EXAMPLE, 'sources', 'github-events.json'), 'utf8')) as Record<string, unknown>;
    const { key: _key, ...withoutKey } = source;
    await copyFile(join(EXAMPLE, 'datasets', 'github_events.json'), join(definitions, 'datasets', 'github_events.json'));
    await writeFile(join(definitions, 'sources', 'github-events.json'), JSON.stringify(withoutKey));
    const invalid = await ingest.waitForLine((line) => line.msg?.includes('changed but are invalid') === true);
    expect(invalid['problems']).toEqual([expect.stringMatching(/github-events\.json.*key/)]);

    // The fix: the new source is polled, and the normalizer (started before the file existed) curates it.
    await writeFile(join(definitions, 'sources', 'github-events.json'), JSON.stringify(source));
    await ingest.waitForLine((line) => line.msg === 'source github-events started');
    const rows = await eventually(
      () => pipeline.queryTable<{ event_id: string; actor_login: string }>('github_events', 'event_id, actor_login', 'ORDER BY event_id'),
      (found) => found.length >= 2,
      'the added source is curated',
    );
    expect(rows).toEqual([
      { event_id: '44000000001', actor_login: 'octocat' },
      { event_id: '44000000002', actor_login: 'hubot' },
    ]);
    expect(await pipeline.deadLetters()).not.toContainEqual(expect.objectContaining({ reason: 'UNKNOWN_SOURCE' }));

    await rm(join(definitions, 'sources', 'github-events.json'));
    await ingest.waitForLine((line) => line.msg?.startsWith('source github-events stopped') === true);
    expect(await ingest.stop()).toBe(0); // never crashed
  });

  it('restarts a followed stream whose definition changed from its checkpoint (no gap, no duplicate), and stops it when its file goes', async () => {
    // A stream of the folder: the built-in Wikimedia definition under another name, feeding the same dataset.
    const definition = { ...(JSON.parse(await readFile(WIKIMEDIA, 'utf8')) as Record<string, unknown>), name: 'wiki-edits' };
    const file = join(definitions, 'sources', 'wiki-edits.json');
    await writeFile(file, JSON.stringify(definition));
    const producer = await pipeline.startStreamIngest('wiki-edits', { ...FAST_STREAM_ENV, FLUXO_DEFINITIONS_DIR: definitions, FLUXO_DEFINITIONS_SCAN_INTERVAL_MS: '200' });
    await nthLine(producer, announced, 1);

    await writeFile(file, JSON.stringify({ ...definition, description: 'Edits on Wikimedia wikis, followed under another name.' }));
    await producer.waitForLine((line) => line.msg === 'stream wiki-edits re-configured');
    const before = producer.lines.filter(announced).length;
    await nthLine(producer, announced, before + 1); // the restarted stream goes on

    await rm(file);
    await producer.waitForLine((line) => line.msg?.startsWith('stream wiki-edits stopped') === true);
    expect(await producer.stop()).toBe(0);
    const curated = await everythingCurated(pipeline, 'wiki-edits', 'recentchange');
    const [rows] = await pipeline.queryTable<{ rows: number; events: number }>('recentchange', 'count(*)::INTEGER AS rows, count(DISTINCT event_id)::INTEGER AS events', "WHERE _source = 'wiki-edits'");
    expect(rows).toEqual({ rows: curated, events: curated }); // resumed from the checkpoint: nothing twice
    expect(distinctReferences(await pipeline.references('raw'), 'wiki-edits').length).toBeGreaterThan(before);
    expect(await pipeline.curatedCount('stream_gaps')).toBe(0); // and nothing skipped
    // Its last micro-batch, flushed after its file was removed, is curated too (the normalizer keeps a removed source's definition).
    expect(await pipeline.deadLetters()).not.toContainEqual(expect.objectContaining({ reason: 'UNKNOWN_SOURCE' }));
  });
});
