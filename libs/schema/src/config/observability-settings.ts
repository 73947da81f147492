import type { EnvSetting } from './env-config';
import type { PipelineAppConfig } from './common-settings';

/**
 * Default port of each app's metrics and health endpoint (`/metrics`, `/healthz`, `/readyz`): one
 * per app, so every app of `npm start` serves on its own port on one machine.
 */
export const DEFAULT_METRICS_PORTS = { ingest: 9481, 'stream-ingest': 9482, normalizer: 9483, web: 9484 } as const;

/** The endpoint's settings; every app lists them with its own default port. */
export function metricsSettings(defaultPort: number): EnvSetting<keyof PipelineAppConfig>[] {
  return [
    { env: 'FLUXO_METRICS_HOST', field: 'metricsHost', kind: 'string', default: '127.0.0.1', description: 'Interface of the metrics and health endpoint (loopback by default)' },
    { env: 'FLUXO_METRICS_PORT', field: 'metricsPort', kind: 'int', default: String(defaultPort), description: 'Port of `/metrics` (Prometheus), `/healthz` and `/readyz`; 0 turns the endpoint off' },
  ];
}
