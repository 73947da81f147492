import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Lake } from '@fluxo/parquet-io';
import { NormalizerError } from '../errors';

/**
 * Refuses to start on a lake written by fluxo 0.1, whose curated files sat in
 * `curated/<dataset>/event_date=…/` outside any table: table maintenance deletes files under
 * `curated/` that no table references, so those would be lost. The raw zone holds everything they
 * were made from: move them aside and let a new consumer group re-curate (docs/decisions/0007).
 */
export async function assertNoLegacyLayout(lake: Lake): Promise<void> {
  const curated = join(lake.root, 'curated');
  const legacy: string[] = [];
  for (const dataset of await readdir(curated, { withFileTypes: true }).catch(() => [])) {
    if (!dataset.isDirectory() || dataset.name === 'main') continue;
    const partitions = await readdir(join(curated, dataset.name)).catch(() => []);
    if (partitions.some((name) => name.startsWith('event_date='))) legacy.push(`curated/${dataset.name}`);
  }
  if (legacy.length > 0) {
    throw new NormalizerError(
      'LEGACY_LAYOUT',
      `The lake holds curated files of fluxo 0.1 outside any table (${legacy.join(', ')}). Move them out of ${curated} ` +
        '(the raw zone can re-curate them with a new FLUXO_NORMALIZER_GROUP), then start again.',
    );
  }
}
