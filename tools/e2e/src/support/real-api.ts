import { join } from 'node:path';
import { WORKSPACE_ROOT, eventually, type PipelineHarness } from '@fluxo/e2e-harness';

/** A worked example of docs/examples: its definitions folder. */
function exampleDir(name: string): string {
  return join(WORKSPACE_ROOT, 'docs', 'examples', name);
}

/**
 * Runs one recorded real API through the whole pipeline: the replay server serves the recorded
 * responses (tools/replay-api/fixtures/apis), ingest polls it with the example's definition, the
 * normalizer curates into the example's dataset. Waits until `rows` rows are curated and the API
 * was polled at least `polls` times (so unchanged polls had their chance to re-announce).
 */
export async function runRecordedApi(
  pipeline: PipelineHarness,
  options: { readonly example: string; readonly source: string; readonly dataset: string; readonly path: string; readonly rows: number; readonly polls?: number; readonly env?: Record<string, string> },
): Promise<void> {
  const extra = { FLUXO_DEFINITIONS_DIR: exampleDir(options.example), ...options.env };
  await pipeline.startNormalizer(extra);
  await pipeline.startIngest(`${options.source}?intervalMs=300`, extra);
  await eventually(() => pipeline.curatedCount(options.dataset), (n) => n >= options.rows, `${options.rows} rows of ${options.dataset} are curated`, 180_000);
  const requests = () => Promise.resolve(pipeline.replay.state().endpoints.find((e) => e.path === options.path)?.requests ?? 0);
  await eventually(requests, (n) => n >= (options.polls ?? 3), `${options.path} was polled ${options.polls ?? 3} times`, 180_000);
}
