/**
 * Any recorded HTTP API (`fixtures/apis/<api>/recording.json`): one endpoint per recorded path.
 * A request is matched to the route whose recorded query it carries (a recorded page of a
 * paginated list), and gets that route's responses in order, advancing per the cursor mode. Headers
 * are replayed as recorded, with absolute URLs to the real origin (a `Link` to the next page)
 * pointed at the replay server, which stands in for it. Strong ETags allow conditional requests.
 */
import { type Logger } from '@fluxo/schema';
import { isNotModified } from '../http/conditional';
import { sendJson } from '../http/respond';
import { sendRecorded } from '../http/send-recorded';
import { type RecordedApi, type RecordedApiRoute } from '../recordings/load-recorded-apis';
import { type RecordingCursor } from '../recording-cursor';
import { type Endpoint, type RequestContext, newCounters } from './endpoint';

function matches(route: RecordedApiRoute, query: URLSearchParams): boolean {
  if (route.query === undefined) return true;
  const wanted = [...route.query].sort().join('&');
  return wanted === [...query].sort().join('&');
}

/** The endpoints of one recorded API: one per distinct path, its routes told apart by query. */
export function recordedApiEndpoints(api: RecordedApi, cursor: (length: number) => RecordingCursor, logger: Logger): Endpoint[] {
  const byPath = new Map<string, RecordedApiRoute[]>();
  for (const route of api.routes) byPath.set(route.path, [...(byPath.get(route.path) ?? []), route]);
  return [...byPath].map(([path, routes]) => {
    const cursors = new Map(routes.map((route) => [route, cursor(route.responses.length)]));
    const counters = newCounters();
    const log = logger.child({ endpoint: path, api: api.name });
    const first = cursors.get(routes[0] as RecordedApiRoute) as RecordingCursor;
    return {
      path,
      realUrl: `${api.realOrigin}${path}`,
      kind: 'json-feed',
      recorded: routes.reduce((sum, route) => sum + route.responses.length, 0),
      counters,
      position: () => first.current(),
      reset: () => {
        for (const c of cursors.values()) c.reset();
      },
      handle({ req, res, url, fault, headOnly }: RequestContext): void {
        const route = routes.find((candidate) => matches(candidate, url.searchParams));
        if (route === undefined) {
          sendJson(res, 404, { error: 'NOT_RECORDED', path, query: url.search, recorded: routes.map((r) => (r.query === undefined ? '*' : `?${r.query.toString()}`)) });
          return;
        }
        const routeCursor = cursors.get(route) as RecordingCursor;
        const index = routeCursor.current();
        const response = route.responses[index];
        if (response === undefined) throw new RangeError(`no response ${index} for ${path}`);
        const self = `http://${req.headers.host ?? 'localhost'}`;
        const headers = Object.fromEntries(Object.entries(response.headers).map(([name, value]) => [name, value.split(api.realOrigin).join(self)]));
        const validators = { ETag: response.recorded.etag };
        if (isNotModified(req.headers, response.recorded.etag, response.recorded.producedMs)) {
          counters.notModified += 1;
          res.writeHead(304, { ...validators });
          res.end();
          return;
        }
        if (response.status !== 200) {
          res.writeHead(response.status, { 'Content-Type': response.contentType, ...headers });
          res.end(headOnly ? undefined : response.recorded.body);
          return;
        }
        const outcome = sendRecorded(res, response.recorded.body, { 'Content-Type': response.contentType, ...headers, ...validators }, { headOnly, fault: fault?.kind });
        if (outcome === 'complete' && !headOnly) {
          counters.served += 1;
          routeCursor.advance();
        }
        log.debug({ response: index, file: response.recorded.label, outcome }, 'served recorded response');
      },
    };
  });
}
