/**
 * `GET /v1/forecast?latitude=…&longitude=…`: the recorded Open-Meteo forecasts in fetch order,
 * whatever the query asks for. Missing or out-of-range coordinates get Open-Meteo's 400 shape,
 * `{"error":true,"reason":"…"}`. Like the live API, no ETag or Last-Modified is sent.
 */
import { type Logger } from '@fluxo/schema';
import { sendJson } from '../http/respond';
import { sendRecorded } from '../http/send-recorded';
import { type RecordedResponse } from '../recordings/recorded-response';
import { type RecordingCursor } from '../recording-cursor';
import { type Endpoint, type RequestContext, newCounters } from './endpoint';

export const OPEN_METEO_PATH = '/v1/forecast';

function coordinateProblem(params: URLSearchParams, key: 'latitude' | 'longitude', limit: number): string | undefined {
  const raw = params.get(key);
  const values = raw === null || raw.trim() === '' ? [] : raw.split(',').map((v) => (v.trim() === '' ? Number.NaN : Number(v)));
  if (values.length === 0 || values.some((v) => !Number.isFinite(v))) return `Value of type 'Float' required for key '${key}'.`;
  const outside = values.find((v) => Math.abs(v) > limit);
  if (outside !== undefined) {
    const name = key === 'latitude' ? 'Latitude' : 'Longitude';
    return `${name} must be in range of -${limit} to ${limit}°. Given: ${outside}.`;
  }
  return undefined;
}

export function openMeteoEndpoint(snapshots: readonly RecordedResponse[], cursor: RecordingCursor, logger: Logger): Endpoint {
  const counters = newCounters();
  const log = logger.child({ endpoint: OPEN_METEO_PATH });

  return {
    path: OPEN_METEO_PATH,
    realUrl: `https://api.open-meteo.com${OPEN_METEO_PATH}`,
    kind: 'json-feed',
    recorded: snapshots.length,
    counters,
    position: () => cursor.current(),
    reset: () => cursor.reset(),
    handle({ res, url, fault, headOnly }: RequestContext): void {
      const reason = coordinateProblem(url.searchParams, 'latitude', 90) ?? coordinateProblem(url.searchParams, 'longitude', 180);
      if (reason !== undefined) {
        sendJson(res, 400, { error: true, reason });
        log.debug({ reason }, 'rejected query');
        return;
      }
      const index = cursor.current();
      const snapshot = snapshots[index];
      if (snapshot === undefined) throw new RangeError(`no snapshot ${index}`);
      const outcome = sendRecorded(
        res,
        snapshot.body,
        { 'Content-Type': 'application/json; charset=utf-8', 'Access-Control-Allow-Origin': '*' },
        { headOnly, fault: fault?.kind },
      );
      if (outcome === 'complete' && !headOnly) {
        counters.served += 1;
        cursor.advance();
      }
      log.debug({ snapshot: index, source: snapshot.label, outcome }, 'served forecast');
    },
  };
}
