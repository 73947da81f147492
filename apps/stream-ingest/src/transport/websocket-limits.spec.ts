import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { StreamIngestError } from '../errors';
import { ByteQueue } from './byte-queue';
import type { StreamItem } from './stream-item';
import { CLOSE_CODES, MAX_SKIPPED_MESSAGE_BYTES, WebSocketFrameReader, WebSocketProtocolError } from './websocket-frames';
import { websocketTransport } from './websocket-transport';

/** A server frame header (unmasked) declaring `length` payload bytes, whatever follows. */
function header(opcode: number, length: number, fin = true): Buffer {
  const b0 = (fin ? 0x80 : 0) | opcode;
  if (length < 126) return Buffer.from([b0, length]);
  if (length < 65_536) return Buffer.from([b0, 126, length >> 8, length & 0xff]);
  const out = Buffer.alloc(10);
  out[0] = b0;
  out[1] = 127;
  out.writeBigUInt64BE(BigInt(length), 2);
  return out;
}
const frame = (opcode: number, payload: string, fin = true) => Buffer.concat([header(opcode, Buffer.byteLength(payload), fin), Buffer.from(payload)]);

function protocolError(push: () => unknown): WebSocketProtocolError {
  try {
    push();
  } catch (error) {
    if (error instanceof WebSocketProtocolError) return error;
    throw error;
  }
  throw new Error('expected a WebSocketProtocolError');
}

describe('issue 9: WebSocket frames are size-capped and parsed in bounded, linear work', () => {
  it('refuses a ping claiming 2^40 bytes on its header alone, before buffering any payload', () => {
    const reader = new WebSocketFrameReader(1024);
    const error = protocolError(() => reader.push(header(0x9, 2 ** 40)));
    expect(error.closeCode).toBe(CLOSE_CODES.protocolError);
    expect(error.message).toMatch(/control frame .* longer than 125 bytes/);
    // The reader stays failed: nothing after the bad frame is parsed.
    expect(() => reader.push(frame(1, 'after'))).toThrow(WebSocketProtocolError);
  });

  it.each([
    ['a 126-byte ping', header(0x9, 126)],
    ['a fragmented ping', header(0x9, 2, false)],
    ['reserved bits', Buffer.from([0xc1, 0x00])],
    ['an unknown opcode', Buffer.from([0x83, 0x00])],
    ['a continuation without a message', frame(0, 'x')],
    ['a new message inside a fragmented one', Buffer.concat([frame(1, 'a', false), frame(1, 'b')])],
    ['a length with the top bit set', Buffer.from([0x82, 127, 0x80, 0, 0, 0, 0, 0, 0, 1])],
  ])('closes with a protocol error on %s', (_name, bytes) => {
    expect(protocolError(() => new WebSocketFrameReader(1024).push(bytes)).closeCode).toBe(CLOSE_CODES.protocolError);
  });

  it('closes with 1009 a message declaring more than the skip limit, and skips one just over the message cap', () => {
    expect(protocolError(() => new WebSocketFrameReader(1024).push(header(0x1, MAX_SKIPPED_MESSAGE_BYTES + 1))).closeCode).toBe(CLOSE_CODES.messageTooBig);
    const reader = new WebSocketFrameReader(1024);
    const items: StreamItem[] = [...reader.push(frame(1, 'y'.repeat(2000))).items, ...reader.push(frame(1, 'ok')).items];
    expect(items).toEqual([
      { kind: 'oversized', bytes: 2000, preview: 'y'.repeat(2000), id: undefined },
      { kind: 'message', type: 'message', data: 'ok', id: undefined },
    ]);
  });

  it('accepts a 125-byte ping and a fragmented message with a ping in between, fed one byte at a time', () => {
    const reader = new WebSocketFrameReader(1 << 20);
    const bytes = Buffer.concat([frame(9, 'p'.repeat(125)), frame(1, 'ab', false), frame(9, ''), frame(0, 'cd')]);
    const items: StreamItem[] = [];
    const control: number[] = [];
    for (let i = 0; i < bytes.length; i += 1) {
      const out = reader.push(bytes.subarray(i, i + 1));
      items.push(...out.items);
      control.push(...out.control.map((c) => c.payload.length));
    }
    expect(control).toEqual([125, 0]);
    expect(items).toEqual([{ kind: 'message', type: 'message', data: 'abcd', id: undefined }]);
  });

  it('ByteQueue copies each byte at most once: a 1 MiB message in 1-byte chunks is one copy, not 2^20 re-concatenations', () => {
    const queue = new ByteQueue();
    const payload = Buffer.alloc(1 << 20, 7);
    for (let i = 0; i < payload.length; i += 1) queue.push(payload.subarray(i, i + 1));
    expect(queue.length).toBe(payload.length);
    expect(queue.take(payload.length).equals(payload)).toBe(true);
    expect(queue.length).toBe(0);
  });
});

describe('issue 9: a real WebSocket server sending a ping that claims 2^40 bytes', () => {
  let server: Server;
  let closeFrames: Buffer[];
  let written: number;
  let socketClosed: Promise<void>;

  beforeEach(async () => {
    closeFrames = [];
    written = 0;
    let markClosed = (): void => undefined;
    socketClosed = new Promise((resolve) => (markClosed = resolve));
    server = createServer((_req, res) => res.writeHead(426).end());
    server.on('upgrade', (req, socket: Duplex) => {
      const accept = createHash('sha1').update(`${String(req.headers['sec-websocket-key'])}258EAFA5-E914-47DA-95CA-C5AB0DC11B65`).digest('base64');
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
      socket.on('data', (chunk: Buffer) => closeFrames.push(chunk));
      socket.on('error', () => undefined);
      socket.once('close', markClosed);
      // The header, then junk "payload" for as long as the client keeps the socket open.
      const junk = Buffer.alloc(64 * 1024, 0x41);
      const pump = (): void => {
        while (!socket.destroyed && written < 256 * 1024 * 1024) {
          written += junk.length;
          if (!socket.write(junk)) return void socket.once('drain', pump);
        }
      };
      socket.write(header(0x9, 2 ** 40));
      pump();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('fails the connection with WEBSOCKET_PROTOCOL and a 1002 close frame, without reading the payload', async () => {
    const transport = websocketTransport({ connectTimeoutMs: 30_000, maxMessageBytes: 1024, userAgent: 'test' });
    const { port } = server.address() as AddressInfo;
    const connection = await transport.connect({ url: `ws://127.0.0.1:${port}/feed?token=s3cr3t`, headers: {}, lastEventId: undefined });
    let error: unknown;
    try {
      for await (const items of connection.chunks()) void items;
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(StreamIngestError);
    expect(error).toMatchObject({ code: 'WEBSOCKET_PROTOCOL', context: { closeCode: 1002 } });
    expect((error as Error).message).not.toContain('s3cr3t');
    await socketClosed;
    // The client's close frame: masked, opcode 8, payload = status 1002.
    const bytes = Buffer.concat(closeFrames);
    expect(bytes[0]).toBe(0x88);
    const mask = bytes.subarray(2, 6);
    expect(((bytes[6] ?? 0) ^ (mask[0] ?? 0)) * 256 + ((bytes[7] ?? 0) ^ (mask[1] ?? 0))).toBe(1002);
    // Bounded: the server could not push its 256 MiB of junk before the socket was closed.
    expect(written).toBeLessThan(256 * 1024 * 1024);
  });
});
