import { COUNT_BUCKETS, Counter, DURATION_BUCKETS_SECONDS, Gauge, Histogram, LATENCY_BUCKETS_SECONDS, type Registry } from '@fluxo/metrics';
import type { PartitionPosition } from '@fluxo/kafka-client';
import type { CommitObserver, CommitReport } from '@fluxo/curation';

/**
 * The normalizer's own families (the shared file, dead-letter and produce families come from
 * `PipelineMetrics`, recorded by the measured announcer):
 *
 * - commits: `fluxo_normalizer_commits_total`, `fluxo_normalizer_commit_duration_seconds`, and the
 *   batch sizes `fluxo_normalizer_commit_files` / `fluxo_normalizer_commit_records` (histograms);
 * - input: `fluxo_records_read_total` / `fluxo_bytes_read_total` {stage, dataset};
 * - `fluxo_end_to_end_latency_seconds{dataset}`: per raw file, its earliest `fetched_at` → commit;
 * - `fluxo_quarantined_rows_total{stage, reason}`;
 * - Kafka: `fluxo_kafka_consume_delay_seconds{topic}` (record timestamp → handed to the handler) and
 *   the lag of this member, per partition it owns, read from its consumer at scrape time:
 *   `fluxo_consumer_lag_messages` and `fluxo_consumer_lag_seconds` {group, topic, partition}.
 */
export class NormalizerMetrics implements CommitObserver {
  private readonly commits: Counter;
  private readonly commitSeconds: Histogram;
  private readonly commitFiles: Histogram;
  private readonly commitRecords: Histogram;
  private readonly recordsRead: Counter<'stage' | 'dataset'>;
  private readonly bytesRead: Counter<'stage' | 'dataset'>;
  private readonly endToEnd: Histogram<'dataset'>;
  private readonly quarantined: Counter<'stage' | 'reason'>;
  private readonly consumeDelay: Histogram<'topic'>;
  private readonly lineageEvents: Counter<'transport' | 'outcome'>;
  private readonly engineUp: Gauge<'engine'>;
  private lastCommitMs: number | undefined;
  /** Highest offset observed per topic-partition: records offered again after a retriable failure are not observed twice. */
  private readonly observedUpTo = new Map<string, bigint>();

  constructor(
    registry: Registry,
    options: { readonly group: string; readonly positions: () => readonly PartitionPosition[]; readonly now?: () => number },
  ) {
    const registers = [registry];
    const now = options.now ?? Date.now;
    this.commits = new Counter({ name: 'fluxo_normalizer_commits_total', help: 'Catalog commits of curated rows with their Kafka progress', registers });
    this.commitSeconds = new Histogram({ name: 'fluxo_normalizer_commit_duration_seconds', help: 'From the first raw file staged to the commit announced', buckets: [...DURATION_BUCKETS_SECONDS], registers });
    this.commitFiles = new Histogram({ name: 'fluxo_normalizer_commit_files', help: 'Raw files per commit (batch size)', buckets: [...COUNT_BUCKETS], registers });
    this.commitRecords = new Histogram({ name: 'fluxo_normalizer_commit_records', help: 'Raw records per commit (batch size)', buckets: [...COUNT_BUCKETS], registers });
    this.recordsRead = new Counter({ name: 'fluxo_records_read_total', help: 'Records read from input files', labelNames: ['stage', 'dataset'] as const, registers });
    this.bytesRead = new Counter({ name: 'fluxo_bytes_read_total', help: 'Bytes of the input files read', labelNames: ['stage', 'dataset'] as const, registers });
    this.endToEnd = new Histogram({
      name: 'fluxo_end_to_end_latency_seconds',
      help: 'Per raw file: from the earliest fetch (poll response, or stream batch cut) of its records to the commit of their curated rows',
      labelNames: ['dataset'] as const,
      buckets: [...LATENCY_BUCKETS_SECONDS],
      registers,
    });
    this.quarantined = new Counter({ name: 'fluxo_quarantined_rows_total', help: 'Rows kept out of the curated tables, by reason code', labelNames: ['stage', 'reason'] as const, registers });
    this.consumeDelay = new Histogram({
      name: 'fluxo_kafka_consume_delay_seconds',
      help: 'From a record’s Kafka timestamp to its hand-over to the normalizer',
      labelNames: ['topic'] as const,
      buckets: [...LATENCY_BUCKETS_SECONDS],
      registers,
    });
    this.lineageEvents = new Counter({ name: 'fluxo_lineage_events_total', help: 'OpenLineage run events sent, by transport (http, file) and outcome (emitted, failed)', labelNames: ['transport', 'outcome'] as const, registers });
    this.engineUp = new Gauge({ name: 'fluxo_normalizer_engine_up', help: 'Whether the curate engine answered its last call (0 while waiting for Spark Connect)', labelNames: ['engine'] as const, registers });
    const labelNames = ['group', 'topic', 'partition'] as const;
    const positions = options.positions;
    const group = options.group;
    new Gauge({
      name: 'fluxo_consumer_lag_messages',
      help: 'Records of the partition not processed yet by this member: high watermark at the last fetch − next offset',
      labelNames,
      registers,
      collect() {
        this.reset();
        for (const p of positions()) if (p.lagMessages !== null) this.set({ group, topic: p.topic, partition: String(p.partition) }, p.lagMessages);
      },
    });
    new Gauge({
      name: 'fluxo_consumer_lag_seconds',
      help: 'Age of the oldest record fetched and not processed yet (0 when none waits)',
      labelNames,
      registers,
      collect() {
        this.reset();
        const at = now();
        for (const p of positions()) {
          const age = p.oldestUnprocessedTimestampMs === null ? 0 : Math.max(0, (at - p.oldestUnprocessedTimestampMs) / 1000);
          this.set({ group, topic: p.topic, partition: String(p.partition) }, age);
        }
      },
    });
  }

  /** The curate engine answered (1) or is unreachable (0). */
  engineAvailable(engine: string, available: boolean): void {
    this.engineUp.set({ engine }, available ? 1 : 0);
  }

  /** Records handed to the handler (one call per batch); each record is observed once. */
  consumed(messages: readonly { readonly topic: string; readonly partition: number; readonly offset: string; readonly timestampMs: number }[], at = Date.now()): void {
    for (const message of messages) {
      const key = `${message.topic}\u0000${message.partition}`;
      const offset = BigInt(message.offset);
      const seen = this.observedUpTo.get(key);
      if (seen !== undefined && offset <= seen) continue;
      this.observedUpTo.set(key, offset);
      this.consumeDelay.observe({ topic: message.topic }, Math.max(0, (at - message.timestampMs) / 1000));
    }
  }

  async committed(report: CommitReport): Promise<void> {
    this.lastCommitMs = report.committedAtMs;
    if (report.replayed) return; // counted when it was first committed
    this.commits.inc();
    this.commitSeconds.observe((report.committedAtMs - report.startedAtMs) / 1000);
    let files = 0;
    let records = 0;
    for (const { table, inputs } of report.datasets) {
      for (const input of inputs) {
        files += 1;
        records += input.rows;
        this.recordsRead.inc({ stage: 'normalizer', dataset: table.name }, input.rows);
        this.bytesRead.inc({ stage: 'normalizer', dataset: table.name }, input.reference.bytes);
        if (input.fetchedAtMs !== null) this.endToEnd.observe({ dataset: table.name }, Math.max(0, (report.committedAtMs - input.fetchedAtMs) / 1000));
      }
    }
    this.commitFiles.observe(files);
    this.commitRecords.observe(records);
  }

  lineageOutcome(transport: string, outcome: string): void {
    this.lineageEvents.inc({ transport, outcome });
  }

  rowsQuarantined(reason: string, rows: number): void {
    if (rows > 0) this.quarantined.inc({ stage: 'normalizer', reason }, rows);
  }

  /** When the last commit went through (ms), for the catalog readiness check; undefined before the first. */
  get lastCommitAtMs(): number | undefined {
    return this.lastCommitMs;
  }
}
