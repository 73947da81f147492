import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { describeError, type Logger } from '@fluxo/schema';
import { MetricsError } from './errors';
import type { Readiness } from './readiness';

export interface ObservabilityServerOptions {
  /** Interface to bind; keep it on loopback unless a scraper elsewhere needs it. */
  readonly host: string;
  /** TCP port; 0 picks a free one (tests). Apps treat a configured 0 as "off" and never call this. */
  readonly port: number;
  readonly registry: Registry;
  readonly readiness: Readiness;
  readonly logger: Logger;
}

/**
 * The app's operational HTTP endpoint, separate from anything it serves to users:
 *
 * - `GET /metrics` — the registry in Prometheus text format;
 * - `GET /healthz` — 200 while the process runs and its event loop answers (liveness);
 * - `GET /readyz` — 200 when every readiness check passes, else 503; the JSON body lists each check.
 *
 * Nothing else: other paths are 404, other methods 405. No request body is read.
 */
export class ObservabilityServer implements AsyncDisposable {
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly server: Server,
    readonly host: string,
    readonly port: number,
  ) {}

  static async start(options: ObservabilityServerOptions): Promise<ObservabilityServer> {
    if (!Number.isSafeInteger(options.port) || options.port < 0 || options.port > 65_535) {
      throw new MetricsError('INVALID_OPTIONS', `port: must be an integer from 0 to 65535, got ${options.port}`);
    }
    const logger = options.logger.child({ component: 'observability' });
    const startedAt = Date.now();
    const server = createServer((request, response) => {
      handle(request, response, options, startedAt).catch((error: unknown) => {
        logger.warn({ path: request.url, error: describeError(error) }, 'observability request failed');
        if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        response.end('internal error\n');
      });
    });
    server.keepAliveTimeout = 65_000; // longer than a scrape interval, so scrapers reuse the connection
    await new Promise<void>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) => {
        reject(
          new MetricsError('LISTEN_FAILED', `cannot serve metrics on ${options.host}:${options.port}: ${error.code ?? describeError(error)}`, {
            cause: error,
            retriable: error.code === 'EADDRINUSE',
            context: { host: options.host, port: options.port, code: error.code },
          }),
        );
      };
      server.once('error', onError);
      server.listen(options.port, options.host, () => {
        server.off('error', onError);
        resolve();
      });
    });
    const port = (server.address() as AddressInfo).port;
    logger.info({ host: options.host, port }, `metrics on http://${urlHost(options.host)}:${port}/metrics, health on /healthz and /readyz`);
    return new ObservabilityServer(server, options.host, port);
  }

  /** `http://host:port`, for logs and tests. */
  get url(): string {
    return `http://${urlHost(this.host)}:${this.port}`;
  }

  /** Stops listening and closes idle keep-alive connections. Idempotent. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
    });
    return this.closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

async function handle(request: IncomingMessage, response: ServerResponse, options: ObservabilityServerOptions, startedAt: number): Promise<void> {
  const path = (request.url ?? '/').split('?', 1)[0];
  if (path !== '/metrics' && path !== '/healthz' && path !== '/readyz') return send(response, 404, 'text/plain; charset=utf-8', 'not found: try /metrics, /healthz or /readyz\n');
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('allow', 'GET, HEAD');
    return send(response, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
  }
  switch (path) {
    case '/metrics':
      return send(response, 200, options.registry.contentType, await options.registry.metrics(), request.method === 'HEAD');
    case '/healthz':
      return send(response, 200, 'application/json', `${JSON.stringify({ status: 'ok', uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) })}\n`, request.method === 'HEAD');
    case '/readyz': {
      const report = await options.readiness.evaluate();
      return send(response, report.ready ? 200 : 503, 'application/json', `${JSON.stringify({ status: report.ready ? 'ready' : 'not ready', ...report })}\n`, request.method === 'HEAD');
    }
  }
}

function send(response: ServerResponse, status: number, contentType: string, body: string, headOnly = false): void {
  response.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) });
  response.end(headOnly ? undefined : body);
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
