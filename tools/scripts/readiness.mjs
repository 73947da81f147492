// @ts-check
/**
 * Readiness of the apps `npm start` runs: each serves /healthz and /readyz on its own metrics port
 * (libs/schema/src/config/observability-settings.ts, DEFAULT_METRICS_PORTS). `watchReadiness` polls
 * them in the background and reports each app once it is ready (and, after a while, what still
 * keeps one waiting), without holding anything up.
 */

/** Keep in step with DEFAULT_METRICS_PORTS in libs/schema (docs/observability.md lists them too). */
export const METRICS_PORTS = /** @type {const} */ ({ ingest: 9481, 'stream-ingest': 9482, normalizer: 9483, web: 9484 });

/**
 * @param {readonly (keyof typeof METRICS_PORTS)[]} apps
 * @param {{ host?: string, log: (message: string) => void, signal: AbortSignal, intervalMs?: number, reportAfterMs?: number }} options
 * @returns {Promise<boolean>} true once every app answered /readyz with 200; false when aborted first
 */
export async function watchReadiness(apps, options) {
  const host = options.host ?? '127.0.0.1';
  const started = Date.now();
  const waiting = new Set(apps);
  /** @type {Map<string, string>} */
  const lastProblem = new Map();
  let reported = false;
  while (waiting.size > 0 && !options.signal.aborted) {
    for (const app of [...waiting]) {
      const url = `http://${host}:${METRICS_PORTS[app]}/readyz`;
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
        const body = /** @type {{ checks?: { name: string, ok: boolean, error?: string }[] }} */ (await response.json());
        if (response.ok) {
          waiting.delete(app);
          options.log(`${app} ready (${Math.round((Date.now() - started) / 1000)} s) — metrics http://${host}:${METRICS_PORTS[app]}/metrics`);
        } else {
          lastProblem.set(app, (body.checks ?? []).filter((c) => !c.ok).map((c) => `${c.name}: ${c.error ?? 'failing'}`).join('; '));
        }
      } catch (error) {
        lastProblem.set(app, `no answer on ${url} (${error instanceof Error ? error.message : String(error)})`);
      }
    }
    if (!reported && waiting.size > 0 && Date.now() - started > (options.reportAfterMs ?? 120_000)) {
      reported = true;
      for (const app of waiting) options.log(`${app} not ready yet: ${lastProblem.get(app) ?? 'starting'}`);
    }
    if (waiting.size > 0) await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 1_000));
  }
  if (waiting.size === 0) options.log(`all ${apps.length} apps ready — scrape them with: prometheus --config.file=docs/observability/prometheus.yml`);
  return waiting.size === 0;
}
