/**
 * Runs once when the Next.js server starts: validates the FLUXO_* configuration (exit code 2 with every
 * problem listed, like the pipeline apps) and starts the runtime, so the Kafka feed hears about new
 * curated files from the start rather than from the first page view; then the metrics and health
 * endpoint (`/metrics`, `/healthz`, `/readyz` on FLUXO_METRICS_PORT, see docs/observability.md).
 */
export async function register(): Promise<void> {
  if (process.env['NEXT_RUNTIME'] !== 'nodejs' || process.env['NEXT_PHASE'] === 'phase-production-build') return;
  const { startWebRuntimeOrExit, webRuntime } = await import('./app/lib/server/runtime');
  startWebRuntimeOrExit();
  const { startWebObservability } = await import('./app/lib/server/observability');
  try {
    await startWebObservability(webRuntime());
  } catch (error) {
    console.error(`fluxo web: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}

/** Next.js reports every request that failed on the server here: counted as `fluxo_web_request_errors_total`. */
export async function onRequestError(_error: unknown, _request: unknown, context: { readonly routeType?: string }): Promise<void> {
  if (process.env['NEXT_RUNTIME'] !== 'nodejs') return;
  const { recordRequestError } = await import('./app/lib/server/observability');
  await recordRequestError(context.routeType ?? 'unknown');
}
