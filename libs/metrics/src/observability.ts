import type { Registry } from 'prom-client';
import type { Logger } from '@fluxo/schema';
import { ObservabilityServer } from './observability-server';
import { Readiness } from './readiness';
import { createMetricsRegistry } from './registry';

export interface ObservabilityOptions {
  readonly app: string;
  readonly version: string;
  /** Interface of the endpoint (FLUXO_METRICS_HOST). */
  readonly host: string;
  /** Port of the endpoint (FLUXO_METRICS_PORT); 0 turns the endpoint off. */
  readonly port: number;
  readonly logger: Logger;
}

/** What an app's composition root holds for metrics and health: one per process. */
export interface Observability extends AsyncDisposable {
  readonly registry: Registry;
  readonly readiness: Readiness;
  /** Null when the endpoint is off (port 0). */
  readonly server: ObservabilityServer | null;
  close(): Promise<void>;
}

/**
 * Creates the app's registry and readiness and, unless `port` is 0, serves them. Call it first in
 * the composition root: /healthz answers (and /readyz says "starting") while the app still waits
 * for the broker. With the endpoint off, metrics are still recorded (apps need not branch) but
 * nothing reads them, and the process metrics (event-loop and GC observers) are not collected.
 */
export async function startObservability(options: ObservabilityOptions): Promise<Observability> {
  const enabled = options.port !== 0;
  const registry = createMetricsRegistry({ app: options.app, version: options.version, processMetrics: enabled });
  const readiness = new Readiness({ registry });
  const server = enabled ? await ObservabilityServer.start({ host: options.host, port: options.port, registry, readiness, logger: options.logger }) : null;
  if (!enabled) options.logger.info({}, 'metrics and health endpoint off (FLUXO_METRICS_PORT=0)');
  const close = async () => {
    await server?.close();
  };
  return { registry, readiness, server, close, [Symbol.asyncDispose]: close };
}
