/**
 * `/_replay/*`: control of the replay server for tests and demos.
 * - `GET  /_replay/state`  positions, counters and pending faults per endpoint
 * - `POST /_replay/reset`  rewinds every feed and stream, restarts the clock, clears faults
 * - `GET  /_replay/faults` the fault queue; `DELETE` clears it
 * - `POST /_replay/faults` queues `{ path, kind, count?, ...params }` → 201 with the queued fault,
 *   or 400 `{ error: code, message, problems[] }`
 */
import { type IncomingMessage, type ServerResponse } from 'node:http';
import { ReplayError } from '../errors';
import { type FaultQueue } from '../fault-queue';
import { readJsonBody, sendJson } from '../http/respond';
import { type ReplayState } from '../types';

export const ADMIN_PREFIX = '/_replay/';

export interface ReplayControl {
  state(): ReplayState;
  reset(): void;
  readonly faults: FaultQueue;
}

function methodNotAllowed(res: ServerResponse, allow: string): void {
  sendJson(res, 405, { error: 'METHOD_NOT_ALLOWED', allow }, { Allow: allow });
}

export async function handleAdmin(req: IncomingMessage, res: ServerResponse, url: URL, control: ReplayControl): Promise<void> {
  const method = req.method ?? 'GET';
  switch (url.pathname) {
    case `${ADMIN_PREFIX}state`:
      if (method !== 'GET') return methodNotAllowed(res, 'GET');
      return sendJson(res, 200, control.state());
    case `${ADMIN_PREFIX}reset`:
      if (method !== 'POST') return methodNotAllowed(res, 'POST');
      control.reset();
      return sendJson(res, 200, control.state());
    case `${ADMIN_PREFIX}faults`:
      if (method === 'GET') return sendJson(res, 200, control.faults.list());
      if (method === 'DELETE') {
        const cleared = control.faults.list().length;
        control.faults.clear();
        return sendJson(res, 200, { cleared });
      }
      if (method !== 'POST') return methodNotAllowed(res, 'GET, POST, DELETE');
      try {
        return sendJson(res, 201, control.faults.add(await readJsonBody(req)));
      } catch (error: unknown) {
        if (error instanceof ReplayError) {
          return sendJson(res, 400, { error: error.code, message: error.message, problems: error.problems });
        }
        throw error;
      }
    default:
      return sendJson(res, 404, { error: 'NOT_FOUND', path: url.pathname });
  }
}
