import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { StreamItem } from './stream-item';
import { WebSocketFrameReader } from './websocket-frames';
import { websocketTransport } from './websocket-transport';

/** A server frame: unmasked, final unless told. */
function frame(opcode: number, payload: Buffer | string, fin = true): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const header = body.length < 126 ? Buffer.from([(fin ? 0x80 : 0) | opcode, body.length]) : Buffer.from([(fin ? 0x80 : 0) | opcode, 126, body.length >> 8, body.length & 0xff]);
  return Buffer.concat([header, body]);
}

describe('WebSocketFrameReader', () => {
  it('joins fragments, returns control frames, and skips an oversized message', () => {
    const reader = new WebSocketFrameReader(100);
    const bytes = Buffer.concat([frame(1, '{"a":', false), frame(9, 'hi'), frame(0, '1}'), frame(1, 'x'.repeat(300)), frame(1, 'ok')]);
    const items: StreamItem[] = [];
    const control: number[] = [];
    for (let i = 0; i < bytes.length; i += 7) {
      const out = reader.push(bytes.subarray(i, i + 7));
      items.push(...out.items);
      control.push(...out.control.map((c) => c.opcode));
    }
    expect(control).toEqual([9]);
    expect(items).toEqual([
      { kind: 'message', type: 'message', data: '{"a":1}', id: undefined },
      { kind: 'oversized', bytes: 300, preview: 'x'.repeat(300), id: undefined },
      { kind: 'message', type: 'message', data: 'ok', id: undefined },
    ]);
  });
});

describe('websocketTransport', () => {
  let server: Server;
  let received: string[];

  beforeEach(async () => {
    received = [];
    server = createServer((_req, res) => res.writeHead(426).end());
    server.on('upgrade', (req, socket: Duplex) => {
      const accept = createHash('sha1').update(`${String(req.headers['sec-websocket-key'])}258EAFA5-E914-47DA-95CA-C5AB0DC11B65`).digest('base64');
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
      let answered = false;
      socket.on('data', (chunk: Buffer) => {
        const reader = new WebSocketFrameReader(1 << 20);
        const { items } = reader.push(chunk); // client frames are masked: the reader unmasks them
        received.push(...items.flatMap((item) => (item.kind === 'message' ? [item.data] : [])));
        if (received.length === 1 && !answered) answered = true;
        else return;
        socket.end(Buffer.concat([frame(1, '{"n":1}'), frame(1, '{"n":2}'), frame(8, Buffer.from([0x03, 0xe8]))]));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('handshakes, sends the subscription, and reads messages until the server closes', async () => {
    const transport = websocketTransport({ connectTimeoutMs: 2000, maxMessageBytes: 1024, userAgent: 'test' });
    const { port } = server.address() as AddressInfo;
    const connection = await transport.connect({ url: `ws://127.0.0.1:${port}/feed`, headers: {}, lastEventId: undefined, subscribe: ['{"subscribe":"all"}'] });
    const messages: string[] = [];
    for await (const items of connection.chunks()) for (const item of items) if (item.kind === 'message') messages.push(item.data);
    expect(received).toEqual(['{"subscribe":"all"}']);
    expect(messages).toEqual(['{"n":1}', '{"n":2}']);
  });

  it('rejects a server that does not switch protocols', async () => {
    const transport = websocketTransport({ connectTimeoutMs: 2000, maxMessageBytes: 1024, userAgent: 'test' });
    const { port } = server.address() as AddressInfo;
    server.removeAllListeners('upgrade');
    server.on('upgrade', (_req, socket: Duplex) => socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n'));
    await expect(transport.connect({ url: `ws://127.0.0.1:${port}/feed`, headers: {}, lastEventId: undefined })).rejects.toMatchObject({ code: 'HTTP_STATUS' });
  });
});
