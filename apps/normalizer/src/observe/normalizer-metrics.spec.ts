import { createMetricsRegistry } from '@fluxo/metrics';
import type { PartitionPosition } from '@fluxo/kafka-client';
import type { FileReference } from '@fluxo/schema';
import type { CommitReport } from '@fluxo/curation';
import { NormalizerMetrics } from './normalizer-metrics';

const position = (partition: number, lagMessages: number | null, oldestUnprocessedTimestampMs: number | null): PartitionPosition => ({
  topic: 'raw',
  partition,
  highWatermark: '10',
  nextOffset: '5',
  lagMessages,
  oldestUnprocessedTimestampMs,
});

describe('NormalizerMetrics', () => {
  it('reports lag in messages and seconds per partition from the consumer positions, read at scrape time', async () => {
    const registry = createMetricsRegistry({ app: 'normalizer', version: '1', processMetrics: false });
    let positions = [position(0, 3, 10_000), position(1, null, null)];
    new NormalizerMetrics(registry, { group: 'g', positions: () => positions, now: () => 40_000 });
    let text = await registry.metrics();
    expect(text).toContain('fluxo_consumer_lag_messages{group="g",topic="raw",partition="0"} 3');
    expect(text).not.toContain('fluxo_consumer_lag_messages{group="g",topic="raw",partition="1"}');
    expect(text).toContain('fluxo_consumer_lag_seconds{group="g",topic="raw",partition="0"} 30');
    expect(text).toContain('fluxo_consumer_lag_seconds{group="g",topic="raw",partition="1"} 0');
    positions = [position(0, 0, null)];
    text = await registry.metrics();
    expect(text).toContain('fluxo_consumer_lag_messages{group="g",topic="raw",partition="0"} 0');
    expect(text).toContain('fluxo_consumer_lag_seconds{group="g",topic="raw",partition="0"} 0');
    expect(text).not.toContain('partition="1"');
  });

  it('observes each consumed record once, even when a retriable failure offers it again', async () => {
    const registry = createMetricsRegistry({ app: 'normalizer', version: '1', processMetrics: false });
    const metrics = new NormalizerMetrics(registry, { group: 'g', positions: () => [] });
    const batch = [0, 1, 2].map((i) => ({ topic: 'raw', partition: 0, offset: String(i), timestampMs: 1_000 }));
    metrics.consumed(batch, 2_000);
    metrics.consumed(batch, 3_000);
    expect(await registry.metrics()).toContain('fluxo_kafka_consume_delay_seconds_count{topic="raw"} 3');
  });

  it('counts a commit’s batch sizes, rows read and one end-to-end latency per raw file; a replay adds nothing', async () => {
    const registry = createMetricsRegistry({ app: 'normalizer', version: '1', processMetrics: false });
    const metrics = new NormalizerMetrics(registry, { group: 'g', positions: () => [] });
    const input = (rows: number, fetchedAtMs: number | null) => ({ message: { topic: 'raw', partition: 0, offset: '1', key: null, value: null }, reference: { bytes: 100 } as FileReference, rows, fetchedAtMs });
    const report: CommitReport = {
      group: 'g',
      snapshotId: 3,
      startedAtMs: 10_000,
      committedAtMs: 12_000,
      replayed: false,
      datasets: [{ table: { name: 'earthquakes' } as CommitReport['datasets'][number]['table'], inputs: [input(10, 9_000), input(5, 11_500)], files: [] }],
    };
    await metrics.committed(report);
    await metrics.committed({ ...report, replayed: true });
    metrics.rowsQuarantined('ROWS_REJECTED', 2);
    const text = await registry.metrics();
    expect(text).toContain('fluxo_normalizer_commits_total 1');
    expect(text).toContain('fluxo_normalizer_commit_files_sum 2');
    expect(text).toContain('fluxo_normalizer_commit_records_sum 15');
    expect(text).toContain('fluxo_records_read_total{stage="normalizer",dataset="earthquakes"} 15');
    expect(text).toContain('fluxo_end_to_end_latency_seconds_sum{dataset="earthquakes"} 3.5');
    expect(text).toContain('fluxo_end_to_end_latency_seconds_count{dataset="earthquakes"} 2');
    expect(text).toContain('fluxo_quarantined_rows_total{stage="normalizer",reason="ROWS_REJECTED"} 2');
    expect(metrics.lastCommitAtMs).toBe(12_000);
  });
});
