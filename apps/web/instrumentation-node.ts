/** The Node.js half of instrumentation.ts (see there): the dashboard runtime, then its metrics and health endpoint. */
export async function registerOnNode(): Promise<void> {
  if (process.env['NEXT_PHASE'] === 'phase-production-build') return;
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
