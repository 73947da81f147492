import type { LiveEvents } from '../../lib/definitions';
import { webRuntime } from '../../lib/server/runtime';
import { parseViewRequest } from '../../lib/server/views/view-request';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const HEARTBEAT_MS = 15_000;
const RETRY_MS = 2_000;
/** Events queued for one browser that does not read: past this, it is disconnected (EventSource reconnects). */
const MAX_QUEUED_EVENTS = 256;

/**
 * `GET /api/stream?view=<overview|earthquakes|weather|wikipedia|dataset|datasets>[&…filters]`:
 * Server-Sent Events. Events: `hello`, `pipeline` (health snapshot, every status interval), `file` (a new
 * curated file), `view` (the page's data, whenever it changed). A comment line every 15 s keeps
 * proxies from closing an idle connection; `retry:` tells EventSource to reconnect after 2 s.
 */
export function GET(request: Request): Response {
  const url = new URL(request.url);
  const view = parseViewRequest(Object.fromEntries(url.searchParams));
  if (view === undefined) return Response.json({ error: 'unknown view', query: url.search }, { status: 400 });
  const live = webRuntime();
  if (live.hub.size >= live.config.maxStreams) {
    return Response.json(
      { error: `this dashboard serves at most ${live.config.maxStreams} live connections (FLUXO_WEB_MAX_STREAMS); try again shortly` },
      { status: 503, headers: { 'Retry-After': '5' } },
    );
  }
  const encoder = new TextEncoder();
  let cleanup = () => undefined as void;

  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true;
      const write = (text: string) => {
        if (!open) return;
        // A client that stopped reading: its queue would grow without bound. Drop it instead.
        if ((controller.desiredSize ?? 0) < -MAX_QUEUED_EVENTS) {
          cleanup();
          return;
        }
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          cleanup();
        }
      };
      const send = <E extends keyof LiveEvents>(event: E, data: LiveEvents[E]) => write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      write(`retry: ${RETRY_MS}\n\n`);
      send('hello', { serverTime: new Date().toISOString(), staleAfterMs: live.config.staleAfterMs, statusIntervalMs: live.config.statusIntervalMs });
      const unsubscribe = live.hub.subscribe(view, send);
      const heartbeat = setInterval(() => write(`: heartbeat ${new Date().toISOString()}\n\n`), HEARTBEAT_MS);
      cleanup = () => {
        if (!open) return;
        open = false;
        clearInterval(heartbeat);
        unsubscribe();
        try {
          controller.close();
        } catch {
          // already closed by the client
        }
      };
      request.signal.addEventListener('abort', () => cleanup(), { once: true });
    },
    cancel() {
      cleanup();
    },
  }, new CountQueuingStrategy({ highWaterMark: 16 }));

  return new Response(stream, {
    headers: {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    },
  });
}
