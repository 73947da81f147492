/**
 * Runs once when the Next.js server starts: validates the FLUXO_* configuration (exit code 2 with every
 * problem listed, like the pipeline apps) and starts the runtime, so the Kafka feed hears about new
 * curated files from the start rather than from the first page view.
 */
export async function register(): Promise<void> {
  if (process.env['NEXT_RUNTIME'] !== 'nodejs' || process.env['NEXT_PHASE'] === 'phase-production-build') return;
  const { startWebRuntimeOrExit } = await import('./app/lib/server/runtime');
  startWebRuntimeOrExit();
}
