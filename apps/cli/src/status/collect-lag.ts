import { describeLag, readRanges, type FluxoKafka } from '@fluxo/kafka-client';
import { ConsumerProgress, type Lakehouse } from '@fluxo/lakehouse';
import type { Logger } from '@fluxo/schema';
import type { LagReport, PartitionLag } from './status-report';

/**
 * The normalizer's backlog: per partition, the end offset against the furthest of the group's
 * Kafka offset and the progress it committed in the catalog with the data; then the waiting
 * references themselves (at most `scanLimit` per partition) for their age and their dataset.
 */
export async function collectLag(
  deps: { readonly kafka: FluxoKafka; readonly lakehouse: Lakehouse | null; readonly logger: Logger },
  options: { readonly group: string; readonly topic: string; readonly scanLimit: number; readonly signal?: AbortSignal },
): Promise<LagReport> {
  const lag = await describeLag(deps.kafka, { groupId: options.group, topic: options.topic });
  const catalog = await catalogProgress(deps, options.group, options.topic);
  const partitions = lag.partitions.map((entry) => {
    const inCatalog = catalog.get(entry.partition) ?? null;
    const committed = maxOffset(entry.committedOffset, inCatalog);
    const waiting = committed === null ? entry.lag : Math.max(0, Number(BigInt(entry.endOffset) - BigInt(committed)));
    return { partition: entry.partition, endOffset: entry.endOffset, kafkaCommitted: entry.committedOffset, catalogCommitted: inCatalog, lag: waiting, committed };
  });
  const ranges = partitions
    .filter((entry) => entry.lag > 0)
    .map((entry) => {
      const from = entry.committed ?? (BigInt(entry.endOffset) - BigInt(entry.lag)).toString();
      const to = BigInt(from) + BigInt(Math.min(entry.lag, options.scanLimit));
      return { partition: entry.partition, from, to: to.toString() };
    });
  const read = ranges.length === 0 ? { messages: [] } : await readRanges(deps.kafka, options.topic, ranges, { timeoutMs: 20_000, ...(options.signal === undefined ? {} : { signal: options.signal }) });
  const oldest = new Map<number, number>();
  const byDataset = new Map<string, { dataset: string; lag: number; oldestWaitingAt: number | null }>();
  for (const message of read.messages) {
    oldest.set(message.partition, Math.min(oldest.get(message.partition) ?? Infinity, message.timestampMs));
    const dataset = message.key ?? '(no key)';
    const entry = byDataset.get(dataset) ?? { dataset, lag: 0, oldestWaitingAt: null };
    entry.lag += 1;
    entry.oldestWaitingAt = Math.min(entry.oldestWaitingAt ?? Infinity, message.timestampMs);
    byDataset.set(dataset, entry);
  }
  const result: PartitionLag[] = partitions.map(({ committed: _committed, ...entry }) => ({ ...entry, oldestWaitingAt: entry.lag > 0 ? (oldest.get(entry.partition) ?? null) : null }));
  const totalLag = result.reduce((sum, entry) => sum + entry.lag, 0);
  const ages = result.map((entry) => entry.oldestWaitingAt).filter((at): at is number => at !== null);
  return {
    group: options.group,
    topic: options.topic,
    totalLag,
    oldestWaitingAt: ages.length === 0 ? null : Math.min(...ages),
    partitions: result,
    byDataset: [...byDataset.values()].sort((a, b) => b.lag - a.lag || a.dataset.localeCompare(b.dataset)),
    unattributed: totalLag - read.messages.length,
  };
}

/** The next offsets the group committed in the catalog, per partition of `topic` (none before the first commit). */
async function catalogProgress(deps: { readonly lakehouse: Lakehouse | null; readonly logger: Logger }, group: string, topic: string): Promise<Map<number, string>> {
  if (deps.lakehouse === null) return new Map();
  try {
    const latest = await new ConsumerProgress(deps.lakehouse).latest();
    return new Map(latest.filter((entry) => entry.group === group && entry.topic === topic).map((entry) => [entry.partition, entry.nextOffset]));
  } catch (error) {
    deps.logger.debug({ error: error instanceof Error ? error.message : String(error) }, 'no consumer progress in the catalog yet');
    return new Map();
  }
}

function maxOffset(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return BigInt(a) >= BigInt(b) ? a : b;
}
