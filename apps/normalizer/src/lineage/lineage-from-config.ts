import { resolve } from 'node:path';
import type { Logger, NormalizerConfig } from '@fluxo/schema';
import { describeCatalogLocation, parseCatalogLocation } from '@fluxo/lakehouse';
import { LineageEmitter } from '@fluxo/lineage';
import type { CommitObserver } from '@fluxo/curation';
import { commitObservers } from '../observe/commit-observers';
import type { NormalizerMetrics } from '../observe/normalizer-metrics';
import { CommitLineage } from './commit-lineage';

/**
 * The normalizer's commit observer from its configuration: the metrics, plus the OpenLineage run of
 * every commit when FLUXO_LINEAGE_URL or FLUXO_LINEAGE_FILE is set. The emitter is returned for
 * disposal (it gives queued events one timeout to go out).
 */
export function commitObserverFromConfig(
  config: NormalizerConfig,
  deps: { readonly metrics: NormalizerMetrics; readonly lakeRoot: string; readonly catalogAlias: string; readonly version: string; readonly logger: Logger },
): { readonly observer: CommitObserver; readonly lineage: LineageEmitter } {
  const lineage = new LineageEmitter({
    ...(config.lineageUrl === undefined ? {} : { url: config.lineageUrl }),
    ...(config.lineageFile === undefined ? {} : { file: resolve(config.lineageFile) }),
    timeoutMs: config.lineageTimeoutMs,
    logger: deps.logger,
    onOutcome: (transport, outcome) => deps.metrics.lineageOutcome(transport, outcome),
  });
  if (!lineage.enabled) return { observer: deps.metrics, lineage };
  const commitLineage = new CommitLineage(lineage, {
    jobNamespace: config.lineageNamespace,
    producer: `urn:fluxo:normalizer:${deps.version}`,
    version: deps.version,
    lakeRoot: deps.lakeRoot,
    kafkaNamespace: `kafka://${config.kafkaBrokers[0] ?? 'unknown'}`,
    tableNamespace: `ducklake:${describeCatalogLocation(parseCatalogLocation(config.catalog))}`,
    tablePrefix: `${deps.catalogAlias}.main`,
  });
  return { observer: commitObservers(deps.metrics, commitLineage), lineage };
}
