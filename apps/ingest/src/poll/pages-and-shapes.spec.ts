import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DefinitionCatalog, resolveSourceInstance, silentLogger, type DeadLetterFields, type FileReferenceFields, type Announcer } from '@fluxo/schema';
import { durableFiles, lakeRawFileSink, readRows, type ParquetEngine } from '@fluxo/parquet-io';
import { createTempLake, openTestEngine, type TempLake } from '@fluxo/parquet-io/testing';
import { HttpFetcher } from '../http/http-fetcher';
import { lakeQuarantine } from '../lake-adapters';
import { PendingAnnouncements } from '@fluxo/producer';
import type { PollUpdate } from '../state/poll-state';
import { StateStore } from '../state/state-store';
import { SourcePoller } from './source-poller';

const dataset = {
  name: 'items',
  description: 'test',
  columns: [
    { name: 'id', type: 'string', required: true },
    { name: 'at', type: 'timestamp', required: true },
  ],
  partitionBy: 'at',
  entityKey: ['id'],
  versionColumn: '_fetched_at',
};

function definition(request: Record<string, unknown>, records: Record<string, unknown> = { path: 'data' }): Record<string, unknown> {
  return {
    name: 'items-api',
    kind: 'poll',
    dataset: 'items',
    description: 'test',
    request: { intervalMs: 60000, ...request },
    records,
    key: ['id'],
    eventTime: { path: 'at', format: 'iso8601' },
    mapping: [
      { column: 'id', path: 'id' },
      { column: 'at', path: 'at', format: 'iso8601' },
    ],
  };
}

class RecordingAnnouncer implements Announcer {
  readonly references: FileReferenceFields[] = [];
  readonly deadLetters: DeadLetterFields[] = [];
  announce(reference: FileReferenceFields): Promise<void> {
    this.references.push(reference);
    return Promise.resolve();
  }
  deadLetter(event: DeadLetterFields): Promise<void> {
    this.deadLetters.push(event);
    return Promise.resolve();
  }
}

const item = (id: string, at: string) => ({ id, at });

describe('issue 10: pages, increments, duplicate keys and streamed bodies (real HTTP)', () => {
  let lake: TempLake;
  let engine: ParquetEngine;
  let server: Server;
  let base: string;
  let handler: (request: IncomingMessage) => { status?: number; headers?: Record<string, string>; body: string };
  const requests: string[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      requests.push(request.url ?? '');
      const answer = handler(request);
      response.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers });
      // dribble the body out in small writes so extraction sees it in pieces
      const bytes = Buffer.from(answer.body);
      for (let at = 0; at < bytes.length; at += 7) response.write(bytes.subarray(at, at + 7));
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => new Promise((resolve) => server.close(resolve)));
  beforeEach(async () => {
    requests.length = 0;
    lake = await createTempLake();
    engine = await openTestEngine();
  });
  afterEach(async () => {
    await engine.close();
    await lake.cleanup();
  });

  function poller(source: Record<string, unknown>, announcer: Announcer, env: Record<string, string> = {}): SourcePoller {
    const catalog = DefinitionCatalog.build({ sources: [{ origin: 't', definition: source }], datasets: [{ origin: 'd', definition: dataset }] });
    const retry = { limit: 1, baseDelayMs: 1, maxDelayMs: 2 };
    return new SourcePoller({
      instance: resolveSourceInstance(catalog, 'items-api', base, env),
      fetcher: new HttpFetcher({ timeoutMs: 5000, retry, maxResponseBytes: 1 << 20, userAgent: 'test', logger: silentLogger }),
      retry,
      store: new StateStore(join(lake.dir, 'state'), durableFiles),
      pending: new PendingAnnouncements<PollUpdate>(join(lake.dir, 'state'), durableFiles),
      files: durableFiles,
      rawFiles: lakeRawFileSink(engine, lake.lake),
      announcer,
      quarantine: lakeQuarantine(lake.lake),
      producer: { app: 'ingest', instance: 'test:1', version: '0' },
      seenTtlMs: 86_400_000,
      maxRecordBytes: 1 << 20,
      spoolDir: join(lake.dir, 'state', 'spool'),
      logger: silentLogger,
    });
  }

  async function keysOf(reference: FileReferenceFields | undefined): Promise<string[]> {
    const rows = await readRows(engine, join(lake.lake.root, reference?.uri ?? ''));
    return rows.map((row) => String(row['record_key']));
  }

  it('follows Link rel="next" headers into one raw file, within the origin and the page limit', async () => {
    const pages: Record<string, { body: unknown[]; next?: string }> = {
      '/items?per_page=2': { body: [item('a', '2025-01-01T00:00:00Z'), item('b', '2025-01-01T00:01:00Z')], next: '/items?per_page=2&page=2' },
      '/items?per_page=2&page=2': { body: [item('c', '2025-01-01T00:02:00Z'), item('d', '2025-01-01T00:03:00Z')], next: '/items?per_page=2&page=3' },
      '/items?per_page=2&page=3': { body: [item('e', '2025-01-01T00:04:00Z')] },
    };
    handler = (request) => {
      const page = pages[request.url ?? ''];
      const link: Record<string, string> = page?.next === undefined ? {} : { link: `<${base}${page.next}>; rel="next", <${base}/items?page=9>; rel="last"` };
      return { headers: link, body: JSON.stringify(page?.body ?? []) };
    };
    const announcer = new RecordingAnnouncer();
    const source = poller(definition({ url: 'https://api.test/items?per_page=2', paging: { type: 'link', maxPages: 3 } }, { path: '$' }), announcer);
    expect(await source.poll()).toMatchObject({ kind: 'announced', records: 5 });
    expect(requests).toEqual(['/items?per_page=2', '/items?per_page=2&page=2', '/items?per_page=2&page=3']);
    expect(await keysOf(announcer.references[0])).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(announcer.references[0]).toMatchObject({ rows: 5, minEventTime: '2025-01-01T00:00:00.000Z', maxEventTime: '2025-01-01T00:04:00.000Z' });

    requests.length = 0;
    const limited = poller(definition({ url: 'https://api.test/items?per_page=2', paging: { type: 'link', maxPages: 2 } }, { path: '$' }), new RecordingAnnouncer());
    expect(await limited.poll()).toMatchObject({ records: 4, kind: 'unchanged' }); // same state folder: nothing new
    expect(requests).toHaveLength(2);
  });

  it('walks next cursors from the body and stops at an empty cursor; sends the newest event time seen as `since` (crash-safe state)', async () => {
    handler = (request) => {
      const url = new URL(request.url ?? '', base);
      const cursor = url.searchParams.get('cursor');
      if (cursor === null) return { body: JSON.stringify({ data: [item('a', '2025-01-01T00:00:00Z')], meta: { next: 'c2' } }) };
      return { body: JSON.stringify({ data: [item('b', '2025-01-02T00:00:00Z')], meta: { next: null } }) };
    };
    const announcer = new RecordingAnnouncer();
    const source = definition({
      url: 'https://api.test/items',
      paging: { type: 'cursor', cursorPath: 'meta.next', param: 'cursor' },
      incremental: { param: 'since', format: 'iso8601', lookbackMs: 60000 },
    });
    expect(await poller(source, announcer).poll()).toMatchObject({ kind: 'announced', records: 2 });
    expect(requests).toEqual(['/items', '/items?cursor=c2']);
    requests.length = 0;
    // a fresh process reads the watermark from the state file
    expect(await poller(source, announcer).poll()).toMatchObject({ kind: 'unchanged' });
    expect(requests).toEqual(['/items?since=2025-01-01T23%3A59%3A00.000Z', '/items?since=2025-01-01T23%3A59%3A00.000Z&cursor=c2']);
  });

  it('counts pages by number and stops at a short page', async () => {
    handler = (request) => {
      const page = Number(new URL(request.url ?? '', base).searchParams.get('page'));
      return { body: JSON.stringify({ data: page < 3 ? [item(`p${page}a`, '2025-01-01T00:00:00Z'), item(`p${page}b`, '2025-01-01T00:00:00Z')] : [item('p3a', '2025-01-01T00:00:00Z')] }) };
    };
    const announcer = new RecordingAnnouncer();
    await poller(definition({ url: 'https://api.test/items', paging: { type: 'page', param: 'page', size: 2, sizeParam: 'limit' } }), announcer).poll();
    expect(requests).toEqual(['/items?limit=2&page=1', '/items?limit=2&page=2', '/items?limit=2&page=3']);
    expect(await keysOf(announcer.references[0])).toEqual(['p1a', 'p1b', 'p2a', 'p2b', 'p3a']);
  });

  it('a key held twice with different versions is dead-lettered once with a sample, and never re-announced', async () => {
    handler = () => ({ body: JSON.stringify({ data: [item('a', '2025-01-01T00:00:00Z'), item('a', '2025-01-01T00:05:00Z'), item('b', '2025-01-01T00:00:00Z')] }) });
    const announcer = new RecordingAnnouncer();
    const source = poller({ ...definition({ url: 'https://api.test/items' }), version: 'at' }, announcer);
    for (let i = 0; i < 3; i += 1) await source.poll();
    expect(announcer.references.map((r) => r.rows)).toEqual([2]);
    expect(announcer.deadLetters).toHaveLength(1);
    expect(announcer.deadLetters[0]).toMatchObject({
      reason: 'DUPLICATE_KEY',
      message: expect.stringContaining('extend "key"'),
      details: { keys: 1, extraRecords: 1, sample: [{ key: 'a', keptVersion: '2025-01-01T00:00:00Z', other: '{"id":"a","at":"2025-01-01T00:05:00Z"}' }] },
    });
  });

  it('reports fields the definition does not map once, and sends secrets from the environment without logging them in dead letters', async () => {
    const seen: (string | undefined)[] = [];
    handler = (request) => {
      seen.push(request.headers['x-api-key'] as string | undefined);
      return { body: JSON.stringify({ data: [{ ...item('a', '2025-01-01T00:00:00Z'), extra: { deep: 1 } }] }) };
    };
    const announcer = new RecordingAnnouncer();
    const source = poller(definition({ url: 'https://api.test/items?token=${env:ITEMS_TOKEN}', headers: { 'x-api-key': '${env:ITEMS_KEY}' } }), announcer, {
      ITEMS_TOKEN: 'tok3n',
      ITEMS_KEY: 'k3y',
    });
    await source.poll();
    await source.poll();
    expect(requests[0]).toBe('/items?token=tok3n');
    expect(seen[0]).toBe('k3y');
    expect(announcer.deadLetters.map((d) => [d.reason, d.details?.['fields']])).toEqual([['UNMAPPED_FIELDS', ['extra.deep']]]);
    expect(JSON.stringify(announcer.deadLetters)).not.toMatch(/tok3n|k3y/);
  });

  it('streams an NDJSON body', async () => {
    handler = () => ({ body: '{"id":"x","at":"2025-01-01T00:00:00Z"}\n{"id":"y","at":"2025-01-01T00:00:01Z"}\n' });
    const announcer = new RecordingAnnouncer();
    await poller(definition({ url: 'https://api.test/items' }, { path: '$', format: 'ndjson' }), announcer).poll();
    expect(await keysOf(announcer.references[0])).toEqual(['x', 'y']);
  });
});
