/**
 * A minimal SSE test client over `node:http`: yields events, comments and the end of the stream,
 * in arrival order, so specs can see exactly what the server wrote.
 */
import { request, type IncomingHttpHeaders, type ClientRequest } from 'node:http';

export type SseItem =
  | { type: 'event'; event: string | undefined; id: string | undefined; data: string }
  | { type: 'comment'; text: string }
  | { type: 'end'; error?: Error };

export interface SseConnection {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The next item (the end repeats once reached); rejects after `timeoutMs`. */
  next(timeoutMs?: number): Promise<SseItem>;
  /** The next `n` events, skipping comments; stops early at the end of the stream. */
  events(n: number, timeoutMs?: number): Promise<Array<Extract<SseItem, { type: 'event' }>>>;
  close(): void;
}

export function openSse(url: string, headers: Record<string, string> = {}): Promise<SseConnection> {
  return new Promise((resolve, reject) => {
    const items: SseItem[] = [];
    const waiters: Array<(item: SseItem) => void> = [];
    const push = (item: SseItem): void => {
      const waiter = waiters.shift();
      if (waiter) waiter(item);
      else items.push(item);
    };
    let ended: SseItem | undefined;
    const end = (error?: Error): void => {
      if (ended) return;
      ended = error ? { type: 'end', error } : { type: 'end' };
      push(ended);
    };
    let req: ClientRequest | undefined = undefined;
    req = request(url, { headers: { Accept: 'text/event-stream', ...headers }, agent: false }, (res) => {
      let buffer = '';
      let fields: { event?: string; id?: string; data: string[] } = { data: [] };
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let newline = buffer.indexOf('\n');
        while (newline !== -1) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + 1);
          newline = buffer.indexOf('\n');
          if (line === '') {
            if (fields.data.length > 0) push({ type: 'event', event: fields.event, id: fields.id, data: fields.data.join('\n') });
            fields = { data: [] };
          } else if (line.startsWith(':')) {
            push({ type: 'comment', text: line.slice(1) });
          } else {
            const colon = line.indexOf(':');
            const name = colon === -1 ? line : line.slice(0, colon);
            const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (name === 'data') fields.data.push(value);
            else if (name === 'event') fields.event = value;
            else if (name === 'id') fields.id = value;
          }
        }
      });
      res.on('end', () => end());
      res.on('error', (error) => end(error));
      res.on('aborted', () => end(new Error('aborted')));
      const connection: SseConnection = {
        status: res.statusCode ?? 0,
        headers: res.headers,
        next(timeoutMs = 5000) {
          const ready = items.shift() ?? ended;
          if (ready) return Promise.resolve(ready);
          return new Promise<SseItem>((resolveItem, rejectItem) => {
            const timer = setTimeout(() => {
              waiters.splice(waiters.indexOf(waiter), 1);
              rejectItem(new Error(`no SSE item within ${timeoutMs} ms`));
            }, timeoutMs);
            const waiter = (item: SseItem): void => {
              clearTimeout(timer);
              resolveItem(item);
            };
            waiters.push(waiter);
          });
        },
        async events(n, timeoutMs = 5000) {
          const out: Array<Extract<SseItem, { type: 'event' }>> = [];
          while (out.length < n) {
            const item = await connection.next(timeoutMs);
            if (item.type === 'end') break;
            if (item.type === 'event') out.push(item);
          }
          return out;
        },
        close() {
          req?.destroy();
          end();
        },
      };
      resolve(connection);
    });
    req.on('error', (error) => {
      end(error);
      reject(error);
    });
    req.end();
  });
}
