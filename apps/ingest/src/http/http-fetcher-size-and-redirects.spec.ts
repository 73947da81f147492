import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { silentLogger } from '@fluxo/schema';
import { IngestError } from '../errors';
import { HttpFetcher, type HttpFetcherOptions } from './http-fetcher';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

async function serve(handler: Handler): Promise<{ origin: string; server: Server; requests: IncomingMessage[] }> {
  const requests: IncomingMessage[] = [];
  const server = createServer((request, response) => {
    requests.push(request);
    handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, requests };
}

const fetcher = (overrides: Partial<HttpFetcherOptions> = {}) =>
  new HttpFetcher({ timeoutMs: 30_000, retry: { limit: 0, baseDelayMs: 1, maxDelayMs: 1 }, maxResponseBytes: 1 << 20, userAgent: 'fluxo-test', logger: silentLogger, ...overrides });

/** Resolves once `condition()` holds, polling; fails only after a generous deadline (no timing assertion). */
async function eventually(condition: () => boolean, deadlineMs = 20_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not reached before the deadline');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('issue 9: the response size cap counts decompressed bytes while streaming (gzip bomb)', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('aborts a small gzip body that inflates to 1 GiB with RESPONSE_TOO_LARGE as soon as the cap is passed', async () => {
    const total = 1024 * 1024 * 1024; // 1 GiB of zeros: about 1 MB of gzip
    const chunk = Buffer.alloc(64 * 1024);
    let produced = 0;
    let closed = false;
    const { origin, server } = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      response.once('close', () => (closed = true));
      const zeros = Readable.from(
        (function* () {
          while (produced < total) {
            produced += chunk.length;
            yield chunk;
          }
        })(),
      );
      zeros.pipe(createGzip()).pipe(response);
    });
    servers.push(server);
    const cap = 1 << 20;
    const error = await fetcher({ maxResponseBytes: cap }).fetch(`${origin}/bomb.json`, {}, {}).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(IngestError);
    expect(error).toMatchObject({ code: 'RESPONSE_TOO_LARGE', retriable: false, context: { maxBytes: cap } });
    // Stopped at the first chunk past the cap: at most one decompression chunk (zlib's 16 KiB, 64 KiB to be safe) over it.
    const bytesRead = (error as IngestError).context['bytesRead'] as number;
    expect(bytesRead).toBeGreaterThan(cap);
    expect(bytesRead).toBeLessThanOrEqual(cap + 64 * 1024);
    // The connection was torn down and the server stopped producing long before the end of the body.
    await eventually(() => closed);
    expect(produced).toBeLessThan(total);
  });

  it('still reads a gzip body under the cap, decompressed', async () => {
    const body = JSON.stringify({ features: Array.from({ length: 1000 }, (_, i) => ({ id: i })) });
    const { origin, server } = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      Readable.from([Buffer.from(body)]).pipe(createGzip()).pipe(response);
    });
    servers.push(server);
    const result = await fetcher().fetch(`${origin}/feed.json`, {}, {});
    expect(result.status === 'ok' ? result.body.toString('utf8') : result.status).toBe(body);
  });

  it('refuses an uncompressed body over the cap, naming the limit', async () => {
    const { origin, server } = await serve((_request, response) => response.end('x'.repeat(5000)));
    servers.push(server);
    await expect(fetcher({ maxResponseBytes: 4096 }).fetch(`${origin}/feed.json`, {}, {})).rejects.toMatchObject({ code: 'RESPONSE_TOO_LARGE', context: { maxBytes: 4096 } });
  });
});

describe('issue 9: redirects are followed only within the policy, and never carry definition headers to another origin', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  const ok: Handler = (_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');

  it('follows a same-origin redirect with every header', async () => {
    const target = await serve((request, response) => (request.url === '/old' ? response.writeHead(302, { location: '/new' }).end() : ok(request, response)));
    servers.push(target.server);
    const result = await fetcher().fetch(`${target.origin}/old`, { 'x-api-key': 'secret' }, {});
    expect(result.status).toBe('ok');
    expect(target.requests.map((r) => [r.url, r.headers['x-api-key']])).toEqual([
      ['/old', 'secret'],
      ['/new', 'secret'],
    ]);
  });

  it('refuses a redirect to another origin by default, with REDIRECT_REFUSED and no request to it', async () => {
    const other = await serve(ok);
    const first = await serve((_request, response) => response.writeHead(302, { location: `${other.origin}/steal?token=abc` }).end());
    servers.push(other.server, first.server);
    const error = await fetcher().fetch(`${first.origin}/feed?api_key=s3cr3t`, { 'x-api-key': 'secret' }, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IngestError);
    expect(error).toMatchObject({ code: 'REDIRECT_REFUSED', retriable: false });
    expect((error as Error).message).not.toContain('s3cr3t');
    expect((error as Error).message).not.toContain('abc');
    expect(other.requests).toHaveLength(0);
  });

  it('follows a redirect to an allowed origin without any custom header, API keys included', async () => {
    const other = await serve(ok);
    const first = await serve((_request, response) => response.writeHead(301, { location: `${other.origin}/moved` }).end());
    servers.push(other.server, first.server);
    const headers = { 'X-Api-Key': 'secret', authorization: 'Bearer t', cookie: 'a=b', 'x-custom-token': 'c', accept: 'application/json' };
    const result = await fetcher({ redirects: { allowedOrigins: [other.origin], maxRedirects: 5 } }).fetch(`${first.origin}/feed`, headers, { etag: '"v1"' });
    expect(result.status).toBe('ok');
    expect(first.requests[0]?.headers).toMatchObject({ 'x-api-key': 'secret', 'x-custom-token': 'c', 'if-none-match': '"v1"' });
    const forwarded = other.requests[0]?.headers ?? {};
    for (const name of ['x-api-key', 'authorization', 'cookie', 'x-custom-token', 'accept', 'if-none-match']) expect(forwarded[name]).toBeUndefined();
    expect(forwarded['user-agent']).toBe('fluxo-test');
  });
});
