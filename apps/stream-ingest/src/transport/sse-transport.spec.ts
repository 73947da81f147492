import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StreamItem } from './stream-item';
import { sseTransport } from './sse-transport';

describe('sseTransport (real HTTP)', () => {
  let server: Server;
  let url: string;
  let seen: IncomingHttpHeaders[];
  let reply: 'events' | 'unavailable' | 'html' | 'silent';

  beforeAll(async () => {
    seen = [];
    server = createServer((req, res) => {
      seen.push(req.headers);
      if (reply === 'unavailable') return void res.writeHead(503, { 'retry-after': '2' }).end();
      if (reply === 'html') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<p>');
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
      if (reply === 'silent') return void res.flushHeaders();
      res.write(':ok\n\nretry: 1500\n');
      res.end('event: message\nid: 7\ndata: {"a":1}\n\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2/stream/recentchange`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const transport = sseTransport({ connectTimeoutMs: 500, maxLineBytes: 1024, userAgent: 'fluxo-test/1' });

  it('sends Accept, User-Agent and Last-Event-ID, and parses the stream to its end', async () => {
    reply = 'events';
    const connection = await transport.connect({ url, headers: { 'X-Extra': 'yes' }, lastEventId: '[{"offset":6}]' });
    const items: StreamItem[] = [];
    for await (const chunk of connection.chunks()) items.push(...chunk);
    expect(items).toEqual([
      { kind: 'retry', ms: 1500 },
      { kind: 'message', type: 'message', data: '{"a":1}', id: '7' },
    ]);
    expect(seen.at(-1)).toMatchObject({ accept: 'text/event-stream', 'user-agent': 'fluxo-test/1', 'last-event-id': '[{"offset":6}]', 'x-extra': 'yes' });
  });

  it('rejects a server error with its status and Retry-After, and a response that is not an event stream', async () => {
    reply = 'unavailable';
    await expect(transport.connect({ url, headers: {}, lastEventId: undefined })).rejects.toMatchObject({ code: 'HTTP_STATUS', retriable: true, context: { status: 503, retryAfterMs: 2000 } });
    reply = 'html';
    await expect(transport.connect({ url, headers: {}, lastEventId: undefined })).rejects.toMatchObject({ code: 'BAD_CONTENT_TYPE' });
  });

  it('ends the iteration with the reason given to close()', async () => {
    reply = 'silent';
    const connection = await transport.connect({ url, headers: {}, lastEventId: undefined });
    const reading = (async () => {
      for await (const chunk of connection.chunks()) void chunk;
    })();
    connection.close(Object.assign(new Error('stalled'), { code: 'STREAM_STALLED' }));
    await expect(reading).rejects.toMatchObject({ code: expect.stringMatching(/STREAM_STALLED|STREAM_BROKEN/) });
  });

  it('fails to connect to a closed port as CONNECT_FAILED', async () => {
    await expect(transport.connect({ url: 'http://127.0.0.1:1/x', headers: {}, lastEventId: undefined })).rejects.toMatchObject({ code: 'CONNECT_FAILED' });
  });
});
