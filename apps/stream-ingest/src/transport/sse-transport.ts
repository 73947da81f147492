import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { redactUrl } from '@fluxo/schema';
import { StreamIngestError } from '../errors';
import { SseParser } from '../sse/sse-parser';
import type { ConnectRequest, StreamConnection, StreamTransport } from './transport';

export interface SseTransportOptions {
  readonly connectTimeoutMs: number;
  readonly maxLineBytes: number;
  readonly userAgent: string;
}

/**
 * Server-Sent Events over `node:http(s)`: one GET with `Accept: text/event-stream` and, when
 * resuming, `Last-Event-ID`; a 200 `text/event-stream` response is parsed incrementally by
 * SseParser. Anything else (status, content type, timeout, network error) rejects with a
 * retriable StreamIngestError the session backs off from.
 */
export function sseTransport(options: SseTransportOptions): StreamTransport {
  return {
    connect: (request) => connectSse(request, options),
  };
}

function connectSse(request: ConnectRequest, options: SseTransportOptions): Promise<StreamConnection> {
  const url = new URL(request.url);
  const shown = redactUrl(request.url); // for messages and logs: no query values or user-info
  const client = url.protocol === 'https:' ? https : http;
  const headers: Record<string, string> = {
    accept: 'text/event-stream',
    'cache-control': 'no-cache',
    'user-agent': options.userAgent,
    ...lowerCased(request.headers),
    ...(request.lastEventId === undefined ? {} : { 'last-event-id': request.lastEventId }),
  };
  return new Promise((resolve, reject) => {
    const req = client.request(url, { method: 'GET', headers });
    const timer = setTimeout(
      () => req.destroy(new StreamIngestError('CONNECT_TIMEOUT', `No response from ${url.origin} within ${options.connectTimeoutMs} ms`, { context: { url: shown } })),
      options.connectTimeoutMs,
    );
    req.once('error', (error) => {
      clearTimeout(timer);
      reject(error instanceof StreamIngestError ? error : new StreamIngestError('CONNECT_FAILED', `Cannot connect to ${shown}: ${error.message}`, { cause: error, context: { url: shown } }));
    });
    req.once('response', (res: IncomingMessage) => {
      clearTimeout(timer);
      const status = res.statusCode ?? 0;
      const type = res.headers['content-type'] ?? '';
      if (status !== 200 || !type.toLowerCase().startsWith('text/event-stream')) {
        res.resume();
        req.destroy();
        const retryAfter = Number(res.headers['retry-after']);
        reject(
          status !== 200
            ? new StreamIngestError('HTTP_STATUS', `Stream ${shown} answered HTTP ${status}`, {
                context: { url: shown, status, ...(Number.isFinite(retryAfter) ? { retryAfterMs: retryAfter * 1000 } : {}) },
              })
            : new StreamIngestError('BAD_CONTENT_TYPE', `Stream ${shown} answered ${type || 'no content type'}, not text/event-stream`, { context: { url: shown, type } }),
        );
        return;
      }
      req.removeAllListeners('error');
      req.on('error', () => undefined); // surfaced through the response iterator
      resolve({
        async *chunks() {
          const parser = new SseParser(options.maxLineBytes);
          try {
            for await (const chunk of res) yield parser.push(chunk as Buffer);
          } catch (error) {
            if (error instanceof StreamIngestError) throw error;
            throw new StreamIngestError('STREAM_BROKEN', `Stream ${shown} broke: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
          } finally {
            parser.end();
          }
          if (req.destroyed && res.errored instanceof StreamIngestError) throw res.errored;
        },
        close(reason) {
          res.destroy(reason);
          req.destroy(reason);
        },
      });
    });
    req.end();
  });
}

function lowerCased(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}
