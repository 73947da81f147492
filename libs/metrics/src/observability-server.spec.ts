import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { silentLogger } from '@fluxo/schema';
import { MetricsError } from './errors';
import { ObservabilityServer } from './observability-server';
import { Readiness } from './readiness';
import { createMetricsRegistry } from './registry';

async function started(readiness = new Readiness({ cacheMs: 0 })): Promise<{ server: ObservabilityServer; readiness: Readiness } & AsyncDisposable> {
  const registry = createMetricsRegistry({ app: 'test-app', version: '9.9.9' });
  const server = await ObservabilityServer.start({ host: '127.0.0.1', port: 0, registry, readiness, logger: silentLogger });
  return { server, readiness, [Symbol.asyncDispose]: () => server.close() };
}

describe('ObservabilityServer', () => {
  it('serves the registry in Prometheus text format on /metrics, with build info and process metrics', async () => {
    await using setup = await started();
    const response = await fetch(`${setup.server.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const body = await response.text();
    expect(body).toContain('fluxo_build_info{app="test-app",version="9.9.9"} 1');
    expect(body).toContain('# TYPE process_cpu_user_seconds_total counter');
    expect(body).toContain('nodejs_eventloop_lag_seconds');
  });

  it('answers /healthz while the process runs, ready or not', async () => {
    await using setup = await started();
    const response = await fetch(`${setup.server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok' });
  });

  it('answers /readyz 503 until the app started and every check passes, listing each check', async () => {
    await using setup = await started();
    let kafkaUp = false;
    setup.readiness.add({ name: 'kafka', check: () => (kafkaUp ? Promise.resolve() : Promise.reject(new Error('connection refused'))) });
    setup.readiness.add({ name: 'lake', check: () => Promise.resolve() });

    const starting = await fetch(`${setup.server.url}/readyz`);
    expect(starting.status).toBe(503);
    const body = (await starting.json()) as { ready: boolean; checks: { name: string; ok: boolean; error?: string }[] };
    expect(body.ready).toBe(false);
    expect(body.checks.map((c) => [c.name, c.ok, c.error])).toEqual([
      ['started', false, 'still starting'],
      ['kafka', false, 'connection refused'],
      ['lake', true, undefined],
    ]);

    setup.readiness.markStarted();
    expect((await fetch(`${setup.server.url}/readyz`)).status).toBe(503);
    kafkaUp = true;
    expect((await fetch(`${setup.server.url}/readyz`)).status).toBe(200);
  });

  it('fails a check that does not answer within its timeout, and aborts it', async () => {
    await using setup = await started();
    let aborted = false;
    setup.readiness.markStarted();
    setup.readiness.add({
      name: 'catalog',
      timeoutMs: 20,
      check: (signal) => new Promise((resolve) => signal.addEventListener('abort', () => ((aborted = true), resolve()))),
    });
    const response = await fetch(`${setup.server.url}/readyz`);
    expect(response.status).toBe(503);
    expect(JSON.stringify(await response.json())).toContain('no answer within 20 ms');
    expect(aborted).toBe(true);
  });

  it('exports the readiness results as gauges', async () => {
    const registry = createMetricsRegistry({ app: 'a', version: '1', processMetrics: false });
    const readiness = new Readiness({ registry, cacheMs: 0 });
    readiness.add({ name: 'kafka', check: () => Promise.reject(new Error('down')) });
    readiness.markStarted();
    await readiness.evaluate();
    const text = await registry.metrics();
    expect(text).toContain('fluxo_ready 0');
    expect(text).toContain('fluxo_readiness_check{check="kafka"} 0');
    expect(text).toContain('fluxo_readiness_check{check="started"} 1');
  });

  it('shares one evaluation between overlapping probes and caches it for cacheMs', async () => {
    let runs = 0;
    const readiness = new Readiness({ cacheMs: 60_000 });
    readiness.add({ name: 'kafka', check: async () => void (runs += 1) });
    await Promise.all([readiness.evaluate(), readiness.evaluate(), readiness.evaluate()]);
    await readiness.evaluate();
    expect(runs).toBe(1);
  });

  it('answers 404 for other paths and 405 for other methods', async () => {
    await using setup = await started();
    expect((await fetch(`${setup.server.url}/`)).status).toBe(404);
    const post = await fetch(`${setup.server.url}/metrics`, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('fails with LISTEN_FAILED when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const port = (blocker.address() as AddressInfo).port;
      const registry = createMetricsRegistry({ app: 'a', version: '1', processMetrics: false });
      const attempt = ObservabilityServer.start({ host: '127.0.0.1', port, registry, readiness: new Readiness(), logger: silentLogger });
      await expect(attempt).rejects.toMatchObject({ code: 'LISTEN_FAILED', context: { code: 'EADDRINUSE', port } });
      await expect(attempt).rejects.toBeInstanceOf(MetricsError);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('rejects invalid check names and ports with INVALID_OPTIONS', async () => {
    expect(() => new Readiness().add({ name: 'Kafka Broker', check: () => Promise.resolve() })).toThrow(MetricsError);
    expect(() => new Readiness().add({ name: 'started', check: () => Promise.resolve() })).toThrow(/started/);
    const registry = createMetricsRegistry({ app: 'a', version: '1', processMetrics: false });
    await expect(ObservabilityServer.start({ host: '127.0.0.1', port: 70_000, registry, readiness: new Readiness(), logger: silentLogger })).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
  });
});
