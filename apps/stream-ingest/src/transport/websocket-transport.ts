import { createHash, randomBytes } from 'node:crypto';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { redactUrl } from '@fluxo/schema';
import { StreamIngestError } from '../errors';
import type { ConnectRequest, StreamConnection, StreamTransport } from './transport';
import { encodeClientFrame, OPCODES, WebSocketFrameReader, WebSocketProtocolError } from './websocket-frames';

const HANDSHAKE_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC11B65';

export interface WebSocketTransportOptions {
  readonly connectTimeoutMs: number;
  readonly maxMessageBytes: number;
  readonly userAgent: string;
}

/**
 * A minimal WebSocket client (RFC 6455) on `node:http(s)`: the upgrade handshake with its
 * `Sec-WebSocket-Accept` check, masked client frames, fragmented messages, ping → pong and the
 * closing handshake. Node 20 has no WebSocket global, and owning the socket lets reading pause
 * like SSE does (backpressure through TCP). Extensions (permessage-deflate) are not negotiated.
 */
export function websocketTransport(options: WebSocketTransportOptions): StreamTransport {
  return { connect: (request) => connectWebSocket(request, options) };
}

function connectWebSocket(request: ConnectRequest, options: WebSocketTransportOptions): Promise<StreamConnection> {
  const url = new URL(request.url);
  const shown = redactUrl(request.url); // for messages and logs: no query values or user-info
  const secure = url.protocol === 'wss:';
  const key = randomBytes(16).toString('base64');
  const fail = (code: 'CONNECT_FAILED' | 'HTTP_STATUS' | 'WEBSOCKET_PROTOCOL', message: string, cause?: unknown) =>
    new StreamIngestError(code, message, { cause, context: { url: shown } });
  return new Promise((resolve, reject) => {
    const req = (secure ? https : http).request({
      protocol: secure ? 'https:' : 'http:',
      hostname: url.hostname,
      port: url.port,
      path: `${url.pathname}${url.search}`,
      headers: {
        'user-agent': options.userAgent,
        ...request.headers,
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': key,
      },
    });
    const timer = setTimeout(() => req.destroy(new StreamIngestError('CONNECT_TIMEOUT', `No handshake from ${url.origin} within ${options.connectTimeoutMs} ms`)), options.connectTimeoutMs);
    req.once('error', (error) => {
      clearTimeout(timer);
      reject(error instanceof StreamIngestError ? error : fail('CONNECT_FAILED', `Cannot connect to ${shown}: ${error.message}`, error));
    });
    req.once('response', (res: IncomingMessage) => {
      clearTimeout(timer);
      res.resume();
      reject(fail('HTTP_STATUS', `WebSocket ${shown} answered HTTP ${res.statusCode ?? 0} instead of switching protocols`));
    });
    req.once('upgrade', (res: IncomingMessage, socket: Duplex, head: Buffer) => {
      clearTimeout(timer);
      const expected = createHash('sha1').update(key + HANDSHAKE_GUID).digest('base64');
      if (res.headers['sec-websocket-accept'] !== expected) {
        socket.destroy();
        reject(fail('WEBSOCKET_PROTOCOL', `WebSocket ${shown} answered a wrong Sec-WebSocket-Accept`));
        return;
      }
      for (const message of request.subscribe ?? []) socket.write(encodeClientFrame(OPCODES.text, Buffer.from(message, 'utf8')));
      resolve(openConnection(socket, head, options, shown));
    });
    req.end();
  });
}

function openConnection(socket: Duplex, head: Buffer, options: WebSocketTransportOptions, url: string): StreamConnection {
  const reader = new WebSocketFrameReader(options.maxMessageBytes);
  return {
    async *chunks() {
      let closed = false;
      const handle = (chunk: Buffer) => {
        let parsed: ReturnType<WebSocketFrameReader['push']>;
        try {
          parsed = reader.push(chunk);
        } catch (error) {
          if (!(error instanceof WebSocketProtocolError)) throw error;
          // Fail the connection (RFC 6455 §7.1.7): say why in a close frame, then drop the socket.
          const payload = Buffer.alloc(2);
          payload.writeUInt16BE(error.closeCode);
          socket.end(encodeClientFrame(OPCODES.close, payload));
          socket.destroy();
          throw new StreamIngestError('WEBSOCKET_PROTOCOL', `WebSocket ${url} broke the protocol: ${error.message}`, {
            cause: error,
            context: { url, closeCode: error.closeCode },
          });
        }
        const { items, control } = parsed;
        for (const frame of control) {
          if (frame.opcode === OPCODES.ping) socket.write(encodeClientFrame(OPCODES.pong, frame.payload));
          if (frame.opcode === OPCODES.close && !closed) {
            closed = true;
            socket.end(encodeClientFrame(OPCODES.close, frame.payload.subarray(0, 2)));
          }
        }
        return items;
      };
      try {
        if (head.length > 0) yield handle(head);
        for await (const chunk of socket) {
          yield handle(chunk as Buffer);
          if (closed) return;
        }
      } catch (error) {
        if (error instanceof StreamIngestError) throw error;
        throw new StreamIngestError('STREAM_BROKEN', `WebSocket ${url} broke: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
    },
    close(reason) {
      socket.destroy(reason);
    },
  };
}
