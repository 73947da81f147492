/**
 * `startReplayServer`: loads the recordings, builds the endpoints and serves them over `node:http`.
 */
import { createServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import { type Endpoint, newCounters } from './endpoints/endpoint';
import { openMeteoEndpoint } from './endpoints/open-meteo-forecast';
import { recordedApiEndpoints } from './endpoints/recorded-api';
import { loadRecordedApis } from './recordings/load-recorded-apis';
import { recentChangeEndpoint } from './endpoints/recentchange-sse';
import { usgsFeedEndpoint } from './endpoints/usgs-feed';
import { ReplayError } from './errors';
import { FaultQueue } from './fault-queue';
import { createRouter } from './http/router';
import { resolveOptions } from './options';
import { loadOpenMeteoSnapshots } from './recordings/load-open-meteo';
import { loadRecentChanges } from './recordings/load-recentchange';
import { loadUsgsFeeds } from './recordings/load-usgs';
import { RecordingCursor } from './recording-cursor';
import { type FaultSpec, type QueuedFault, type ReplayServer, type ReplayServerOptions, type ReplayState } from './types';

export async function startReplayServer(options: ReplayServerOptions = {}): Promise<ReplayServer> {
  const config = resolveOptions(options);
  const logger = config.logger.child({ component: 'replay-api' });
  const [usgs, forecasts, recentChanges, apis] = await Promise.all([
    loadUsgsFeeds(config.fixturesDir),
    loadOpenMeteoSnapshots(config.fixturesDir),
    loadRecentChanges(config.fixturesDir),
    loadRecordedApis(config.fixturesDir),
  ]);
  const cursor = (length: number): RecordingCursor => new RecordingCursor(length, config.advance, config.stepMs);
  const endpoints: Endpoint[] = [
    ...usgs.map((feed) => usgsFeedEndpoint(feed, cursor(feed.polls.length), logger)),
    openMeteoEndpoint(forecasts, cursor(forecasts.length), logger),
    recentChangeEndpoint(recentChanges, config.sse, logger),
    ...apis.flatMap((api) => recordedApiEndpoints(api, cursor, logger)),
  ];
  const faults = new FaultQueue();
  for (const fault of config.faults) faults.add(fault);
  let startedAt = new Date();

  const state = (): ReplayState => ({
    advance: config.advance,
    stepMs: config.stepMs,
    startedAt: startedAt.toISOString(),
    sse: { ...config.sse },
    endpoints: endpoints.map((e) => ({
      path: e.path,
      realUrl: e.realUrl,
      kind: e.kind,
      position: e.position(),
      recorded: e.recorded,
      ...e.counters,
      ...(e.openStreams === undefined ? {} : { openStreams: e.openStreams() }),
      faultsPending: faults.pending(e.path, e.kind),
    })),
    faults: faults.list(),
  });
  const reset = (): void => {
    startedAt = new Date();
    faults.clear();
    for (const endpoint of endpoints) {
      endpoint.reset();
      Object.assign(endpoint.counters, newCounters());
    }
    logger.info({}, 'reset');
  };

  const server = createServer(createRouter(endpoints, { state, reset, faults }, logger));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) =>
      reject(new ReplayError('LISTEN_FAILED', `cannot listen on ${config.host}:${config.port}: ${error.message}`, { host: config.host, port: config.port }, { cause: error })),
    );
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  logger.info({ url, advance: config.advance, stepMs: config.stepMs, sse: config.sse, fixturesDir: config.fixturesDir }, 'listening');

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      for (const endpoint of endpoints) endpoint.close?.();
      server.close(() => resolve());
      server.closeAllConnections();
    }).then(() => logger.info({ url }, 'closed'));
    return closing;
  };

  return {
    url,
    port,
    setFault: (spec: FaultSpec): QueuedFault => faults.add(spec),
    reset,
    state,
    close,
    [Symbol.asyncDispose]: close,
  };
}
