import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger } from '@fluxo/schema';
import { HttpFetcher } from './http-fetcher';

/** A real HTTP server answering with the scripted statuses in turn (the last one repeats). */
async function statuses(codes: number[]): Promise<{ url: string; server: Server }> {
  let served = 0;
  const server = createServer((_, response) => {
    const code = codes[Math.min(served, codes.length - 1)] ?? 200;
    served += 1;
    response.writeHead(code, { 'content-type': 'application/json' });
    response.end(code === 200 ? '{}' : '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed.json`, server };
}

describe('HttpFetcher observer (metrics)', () => {
  it('reports every attempt with its status, and each retry with its cause', async () => {
    const { url, server } = await statuses([500, 503, 200]);
    try {
      const seen: string[] = [];
      const fetcher = new HttpFetcher({
        timeoutMs: 2000,
        retry: { limit: 3, baseDelayMs: 10, maxDelayMs: 100 },
        maxResponseBytes: 1 << 20,
        userAgent: 'fluxo-test',
        logger: silentLogger,
        observer: { attempted: (code) => seen.push(`attempt ${code}`), retrying: (reason) => seen.push(`retry ${reason}`) },
      });
      await expect(fetcher.fetch(url, {}, {})).resolves.toMatchObject({ status: 'ok', attempts: 3 });
      expect(seen).toEqual(['attempt 500', 'retry 500', 'attempt 503', 'retry 503', 'attempt 200']);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('reports a refused connection by its error code, and a 404 without a retry', async () => {
    const seen: string[] = [];
    const observer = { attempted: (code: string) => seen.push(code), retrying: (reason: string) => seen.push(`retry ${reason}`) };
    const options = { timeoutMs: 2000, retry: { limit: 1, baseDelayMs: 10, maxDelayMs: 100 }, maxResponseBytes: 1 << 20, userAgent: 'fluxo-test', logger: silentLogger, observer };
    await expect(new HttpFetcher(options).fetch('http://127.0.0.1:1/feed.json', {}, {})).rejects.toMatchObject({ code: 'HTTP_NETWORK' });
    expect(seen).toEqual(['HTTP_NETWORK', 'retry HTTP_NETWORK', 'HTTP_NETWORK']);
    const { url, server } = await statuses([404]);
    try {
      seen.length = 0;
      await expect(new HttpFetcher(options).fetch(url, {}, {})).rejects.toMatchObject({ code: 'HTTP_STATUS' });
      expect(seen).toEqual(['404']);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
