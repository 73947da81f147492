import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger } from '@fluxo/schema';
import { IngestError } from '../errors';
import { HttpFetcher } from './http-fetcher';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/** A real HTTP server answering each request with the next scripted handler. */
async function scriptedServer(handlers: Handler[]): Promise<{ url: string; requests: IncomingMessage[]; server: Server }> {
  const requests: IncomingMessage[] = [];
  const server = createServer((request, response) => {
    requests.push(request);
    const handler = handlers[Math.min(requests.length - 1, handlers.length - 1)];
    handler?.(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed.json`, requests, server };
}

const ok: Handler = (_, response) => {
  response.writeHead(200, { 'content-type': 'application/json', etag: '"v1"', 'last-modified': 'Sun, 04 May 2025 13:52:57 GMT' });
  response.end('{"features":[]}');
};
const status = (code: number, headers: Record<string, string> = {}): Handler => (_, response) => {
  response.writeHead(code, headers);
  response.end();
};

const fetcher = (overrides: Partial<ConstructorParameters<typeof HttpFetcher>[0]> = {}) =>
  new HttpFetcher({ timeoutMs: 2000, retry: { limit: 3, baseDelayMs: 10, maxDelayMs: 2000 }, maxResponseBytes: 1 << 20, userAgent: 'fluxo-test', logger: silentLogger, ...overrides });

describe('HttpFetcher', () => {
  let server: Server | undefined;
  afterEach(() => new Promise((resolve) => (server === undefined ? resolve(undefined) : server.close(resolve))));

  it('retries 500 and 503, then returns the body and its validators', async () => {
    const scripted = await scriptedServer([status(500), status(503), ok]);
    server = scripted.server;
    const result = await fetcher().fetch(scripted.url, {}, {});
    expect(result).toMatchObject({ status: 'ok', validators: { etag: '"v1"', lastModified: 'Sun, 04 May 2025 13:52:57 GMT' }, attempts: 3 });
    expect(scripted.requests).toHaveLength(3);
  });

  it('waits as long as Retry-After asks on 429', async () => {
    const scripted = await scriptedServer([status(429, { 'retry-after': '1' }), ok]);
    server = scripted.server;
    const started = Date.now();
    await fetcher().fetch(scripted.url, {}, {});
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('sends conditional headers and reports 304 as not modified', async () => {
    const scripted = await scriptedServer([status(304)]);
    server = scripted.server;
    const result = await fetcher().fetch(scripted.url, { accept: 'application/json' }, { etag: '"v1"', lastModified: 'Sun, 04 May 2025 13:52:57 GMT' });
    expect(result.status).toBe('not-modified');
    expect(scripted.requests[0]?.headers).toMatchObject({ 'if-none-match': '"v1"', 'if-modified-since': 'Sun, 04 May 2025 13:52:57 GMT', accept: 'application/json' });
  });

  it('gives up after the retry limit with a retriable HTTP_STATUS error naming the status', async () => {
    const scripted = await scriptedServer([status(502)]);
    server = scripted.server;
    const error = await fetcher({ retry: { limit: 2, baseDelayMs: 1, maxDelayMs: 5 } }).fetch(scripted.url, {}, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IngestError);
    expect(error).toMatchObject({ code: 'HTTP_STATUS', retriable: true, context: { status: 502 } });
    expect(scripted.requests).toHaveLength(3);
  });

  it('does not retry a 404', async () => {
    const scripted = await scriptedServer([status(404)]);
    server = scripted.server;
    await expect(fetcher().fetch(scripted.url, {}, {})).rejects.toMatchObject({ code: 'HTTP_STATUS', retriable: false });
    expect(scripted.requests).toHaveLength(1);
  });

  it('refuses a response larger than the limit', async () => {
    const scripted = await scriptedServer([ok]);
    server = scripted.server;
    await expect(fetcher({ maxResponseBytes: 4 }).fetch(scripted.url, {}, {})).rejects.toMatchObject({ code: 'RESPONSE_TOO_LARGE' });
  });

  it('times out a server that never answers, as a retriable error', async () => {
    const scripted = await scriptedServer([() => undefined]);
    server = scripted.server;
    const error = await fetcher({ timeoutMs: 200, retry: { limit: 0, baseDelayMs: 1, maxDelayMs: 1 } }).fetch(scripted.url, {}, {}).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'HTTP_TIMEOUT', retriable: true });
    scripted.server.closeAllConnections();
  });
});
