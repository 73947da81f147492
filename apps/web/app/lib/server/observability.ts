import { createKafka, settingsFromConfig } from '@fluxo/kafka-client';
import { parseCatalogLocation, probeCatalog } from '@fluxo/lakehouse';
import { Counter, directoryReadableCheck, startObservability, type Observability } from '@fluxo/metrics';
import type { WebRuntime } from './runtime';

const VERSION = '0.1.0';
const OBSERVABILITY = Symbol.for('fluxo.web.observability');
type Holder = { [OBSERVABILITY]?: Promise<WebObservability> };

export interface WebObservability {
  readonly observability: Observability;
  readonly requestErrors: Counter<'route_type'>;
}

/**
 * The dashboard's metrics and health endpoint: the same server as the pipeline apps
 * (`@fluxo/metrics`) on FLUXO_METRICS_PORT, separate from the dashboard's own port, so a scraper
 * or an orchestrator never depends on Next.js routing (and the dashboard port can stay private).
 * Readiness: the broker answers, the lake is readable, the catalog is reachable. One per process.
 */
export function startWebObservability(runtime: WebRuntime): Promise<WebObservability> {
  const holder = globalThis as Holder;
  holder[OBSERVABILITY] ??= create(runtime);
  return holder[OBSERVABILITY];
}

async function create({ config, logger }: WebRuntime): Promise<WebObservability> {
  const observability = await startObservability({ app: 'web', version: VERSION, host: config.metricsHost, port: config.metricsPort, logger });
  const { registry, readiness } = observability;
  // Its own client with fast retries: a probe must answer within its timeout, not wait for kafkajs.
  const kafka = createKafka({ ...settingsFromConfig(config), requestTimeoutMs: 3_000, retry: { initialRetryTimeMs: 200, maxRetryTimeMs: 1_000, retries: 1 }, clientLogLevel: 'error' });
  readiness.add({ name: 'kafka', check: async () => void (await kafka.describeCluster()) });
  readiness.add(directoryReadableCheck('lake', config.lakeDir));
  const catalog = parseCatalogLocation(config.catalog);
  readiness.add({ name: 'catalog', check: (signal) => probeCatalog(catalog, signal) });
  readiness.markStarted();
  const requestErrors = new Counter({ name: 'fluxo_web_request_errors_total', help: 'Requests that failed on the server (Next.js onRequestError), by route type', labelNames: ['route_type'] as const, registers: [registry] });
  return { observability, requestErrors };
}

/** Counts a failed request (instrumentation.ts `onRequestError`); nothing when the endpoint never started. */
export async function recordRequestError(routeType: string): Promise<void> {
  const started = (globalThis as Holder)[OBSERVABILITY];
  if (started !== undefined) (await started).requestErrors.inc({ route_type: routeType });
}
