/**
 * Runs once when the Next.js server starts: validates the FLUXO_* configuration (exit code 2 with every
 * problem listed, like the pipeline apps) and starts the runtime, so the Kafka feed hears about new
 * curated files from the start rather than from the first page view; then the metrics and health
 * endpoint (`/metrics`, `/healthz`, `/readyz` on FLUXO_METRICS_PORT, see docs/observability.md).
 *
 * The server-only code is imported inside `if (process.env.NEXT_RUNTIME === 'nodejs')` and nowhere
 * else: Next replaces that expression (dot access only) at compile time, so the branch and its imports
 * (DuckDB's native module, kafkajs) drop out of the edge compile that `next dev` also makes of this file
 * (decision 0010: the first `npm start` serves the dashboard in dev mode until its build is done).
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { registerOnNode } = await import('./instrumentation-node');
    await registerOnNode();
  }
}

/** Next.js reports every request that failed on the server here: counted as `fluxo_web_request_errors_total`. */
export async function onRequestError(_error: unknown, _request: unknown, context: { readonly routeType?: string }): Promise<void> {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { recordRequestError } = await import('./app/lib/server/observability');
    await recordRequestError(context.routeType ?? 'unknown');
  }
}
