/**
 * Dispatches requests: `/_replay/*` to the admin API, known paths to their endpoint, after
 * consuming a queued fault. Faults every endpoint can play (status codes, `slow`, `reset`) are
 * applied here; body and SSE faults are handed to the endpoint.
 */
import { type IncomingMessage, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Logger } from '@fluxo/schema';
import { ADMIN_PREFIX, type ReplayControl, handleAdmin } from '../endpoints/admin';
import { type Endpoint } from '../endpoints/endpoint';
import { GENERIC_KINDS } from '../fault-spec';
import { type FaultSpec } from '../types';
import { sendJson } from './respond';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** Plays a generic fault; returns true when the response is finished (the endpoint must not run). */
async function playGenericFault(fault: FaultSpec, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  switch (fault.kind) {
    case 'status-429':
      sendJson(res, 429, { error: true, reason: 'Too Many Requests' }, { 'Retry-After': String(fault.retryAfterS ?? 1) });
      return true;
    case 'status-500':
      sendJson(res, 500, { error: true, reason: 'Internal Server Error' });
      return true;
    case 'status-503':
      sendJson(res, 503, { error: true, reason: 'Service Unavailable' }, fault.retryAfterS === undefined ? {} : { 'Retry-After': String(fault.retryAfterS) });
      return true;
    case 'reset':
      req.socket.destroy();
      return true;
    case 'slow':
      await sleep(fault.delayMs ?? 0);
      return res.destroyed;
    case 'truncate':
    case 'malformed':
    case 'sse-drop-after':
    case 'sse-stall':
    case 'sse-garbage':
    case 'sse-refuse-resume':
      return false;
  }
}

/** Faults the endpoint plays itself are passed on; generic ones are not. */
function endpointFault(fault: FaultSpec | undefined): FaultSpec | undefined {
  return fault === undefined || GENERIC_KINDS.has(fault.kind) ? undefined : fault;
}

export function createRouter(endpoints: readonly Endpoint[], control: ReplayControl, logger: Logger): RequestHandler {
  const byPath = new Map(endpoints.map((e) => [e.path, e]));

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://replay.invalid');
    const method = req.method ?? 'GET';
    if (url.pathname.startsWith(ADMIN_PREFIX)) return handleAdmin(req, res, url, control);
    const endpoint = byPath.get(url.pathname);
    if (endpoint === undefined) return sendJson(res, 404, { error: 'NOT_FOUND', path: url.pathname, served: [...byPath.keys()] });
    if (method !== 'GET' && method !== 'HEAD') return sendJson(res, 405, { error: 'METHOD_NOT_ALLOWED' }, { Allow: 'GET, HEAD' });
    endpoint.counters.requests += 1;
    const fault = control.faults.take(url.pathname, endpoint.kind);
    if (fault !== undefined) {
      endpoint.counters.faulted += 1;
      logger.info({ path: url.pathname, fault: fault.kind, faultId: fault.id }, 'playing fault');
      if (await playGenericFault(fault, req, res)) return;
    }
    await endpoint.handle({ req, res, url, fault: endpointFault(fault), headOnly: method === 'HEAD' });
  }

  return (req, res) => {
    const startedMs = performance.now();
    res.on('finish', () => {
      logger.debug({ method: req.method, url: req.url, status: res.statusCode, ms: Math.round(performance.now() - startedMs) }, 'request');
    });
    route(req, res).catch((error: unknown) => {
      logger.error({ err: error, method: req.method, url: req.url }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'INTERNAL', message: error instanceof Error ? error.message : String(error) });
      else res.destroy();
    });
  };
}
