import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';

export interface MetricsRegistryOptions {
  /** The app recording (ingest, stream-ingest, normalizer, web): the `app` label of `fluxo_build_info`. */
  readonly app: string;
  readonly version: string;
  /**
   * Node.js process metrics (`process_*`, `nodejs_*`: CPU, memory, event-loop lag, GC, handles).
   * They sample the process on every scrape and watch the event loop: on only when served. Default true.
   */
  readonly processMetrics?: boolean;
}

/**
 * A fresh registry for one app: never prom-client's global one, so a library, a test or a second
 * app in the same process cannot collide with it. Holds `fluxo_build_info{app,version} 1` and,
 * unless turned off, the process metrics.
 */
export function createMetricsRegistry(options: MetricsRegistryOptions): Registry {
  const registry = new Registry();
  const info = new Gauge({ name: 'fluxo_build_info', help: 'Always 1; labels name the app and its version', labelNames: ['app', 'version'] as const, registers: [registry] });
  info.set({ app: options.app, version: options.version }, 1);
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  return registry;
}

export { Registry };
