/**
 * Sends a recorded body, intact or broken by a body fault:
 * - `truncate`: headers announce the full length, half the body is sent, then the socket is
 *   destroyed (the client sees a premature close);
 * - `malformed`: a well-formed HTTP 200 whose body is the first half of the JSON (parsing fails).
 */
import { type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { type FaultKind } from '../types';

export type BodyOutcome = 'complete' | 'truncated' | 'malformed';

export function sendRecorded(
  res: ServerResponse,
  body: Buffer,
  headers: OutgoingHttpHeaders,
  options: { headOnly: boolean; fault: FaultKind | undefined },
): BodyOutcome {
  const half = body.subarray(0, Math.floor(body.length / 2));
  if (options.fault === 'truncate') {
    res.writeHead(200, { ...headers, 'Content-Length': body.length });
    res.write(half, () => res.destroy());
    return 'truncated';
  }
  if (options.fault === 'malformed') {
    res.writeHead(200, { ...headers, 'Content-Length': half.length });
    res.end(options.headOnly ? undefined : half);
    return 'malformed';
  }
  res.writeHead(200, { ...headers, 'Content-Length': body.length });
  res.end(options.headOnly ? undefined : body);
  return 'complete';
}
