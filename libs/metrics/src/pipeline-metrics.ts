import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { AnnouncementTopics, Announcer, FileReferenceFields, PipelineStage } from '@fluxo/schema';
import { COUNT_BUCKETS, DURATION_BUCKETS_SECONDS, SIZE_BUCKETS_BYTES } from './buckets';

/**
 * The families every pipeline stage records, with the same names and labels everywhere, so one
 * query covers ingest, stream-ingest and the normalizer (`sum by (stage) (...)`):
 *
 * | family | labels |
 * |---|---|
 * | `fluxo_files_written_total`, `fluxo_records_written_total`, `fluxo_bytes_written_total` | stage, dataset |
 * | `fluxo_file_size_bytes`, `fluxo_file_records` (histograms) | stage, dataset |
 * | `fluxo_last_file_written_timestamp_seconds`, `fluxo_newest_event_time_seconds` | stage, dataset |
 * | `fluxo_dead_letters_total` | stage, reason |
 * | `fluxo_kafka_produce_duration_seconds` (histogram), `fluxo_kafka_produce_errors_total` | topic |
 *
 * A file counts once it is announced (acknowledged on Kafka): that is when the next stage can see it.
 */
export class PipelineMetrics {
  private readonly files: Counter<'stage' | 'dataset'>;
  private readonly records: Counter<'stage' | 'dataset'>;
  private readonly bytes: Counter<'stage' | 'dataset'>;
  private readonly fileSize: Histogram<'stage' | 'dataset'>;
  private readonly fileRecords: Histogram<'stage' | 'dataset'>;
  private readonly lastWritten: Gauge<'stage' | 'dataset'>;
  private readonly newestEvent: Gauge<'stage' | 'dataset'>;
  private readonly newestEventMs = new Map<string, number>();
  private readonly deadLetters: Counter<'stage' | 'reason'>;
  private readonly produceSeconds: Histogram<'topic'>;
  private readonly produceErrors: Counter<'topic'>;

  constructor(
    registry: Registry,
    readonly stage: PipelineStage,
  ) {
    const registers = [registry];
    const byDataset = ['stage', 'dataset'] as const;
    this.files = new Counter({ name: 'fluxo_files_written_total', help: 'Files written and announced', labelNames: byDataset, registers });
    this.records = new Counter({ name: 'fluxo_records_written_total', help: 'Records (rows) in the files written and announced', labelNames: byDataset, registers });
    this.bytes = new Counter({ name: 'fluxo_bytes_written_total', help: 'Bytes of the files written and announced', labelNames: byDataset, registers });
    this.fileSize = new Histogram({ name: 'fluxo_file_size_bytes', help: 'Size of each file written', labelNames: byDataset, buckets: [...SIZE_BUCKETS_BYTES], registers });
    this.fileRecords = new Histogram({ name: 'fluxo_file_records', help: 'Records (rows) in each file written', labelNames: byDataset, buckets: [...COUNT_BUCKETS], registers });
    this.lastWritten = new Gauge({ name: 'fluxo_last_file_written_timestamp_seconds', help: 'When the last file was announced (Unix time)', labelNames: byDataset, registers });
    this.newestEvent = new Gauge({ name: 'fluxo_newest_event_time_seconds', help: 'Newest event time in the files announced so far (Unix time): freshness is time() minus this', labelNames: byDataset, registers });
    this.deadLetters = new Counter({ name: 'fluxo_dead_letters_total', help: 'Dead letters published, by reason code', labelNames: ['stage', 'reason'] as const, registers });
    this.produceSeconds = new Histogram({ name: 'fluxo_kafka_produce_duration_seconds', help: 'Time from send to broker acknowledgement (acks=all) of one record', labelNames: ['topic'] as const, buckets: [...DURATION_BUCKETS_SECONDS], registers });
    this.produceErrors = new Counter({ name: 'fluxo_kafka_produce_errors_total', help: 'Records the broker did not acknowledge', labelNames: ['topic'] as const, registers });
  }

  fileAnnounced(reference: Pick<FileReferenceFields, 'dataset' | 'rows' | 'bytes' | 'maxEventTime'>, at = Date.now()): void {
    const labels = { stage: this.stage, dataset: reference.dataset };
    this.files.inc(labels);
    this.records.inc(labels, reference.rows);
    this.bytes.inc(labels, reference.bytes);
    this.fileSize.observe(labels, reference.bytes);
    this.fileRecords.observe(labels, reference.rows);
    this.lastWritten.set(labels, at / 1000);
    const newest = reference.maxEventTime === null ? Number.NaN : Date.parse(reference.maxEventTime);
    if (Number.isFinite(newest) && newest > (this.newestEventMs.get(reference.dataset) ?? Number.NEGATIVE_INFINITY)) {
      this.newestEventMs.set(reference.dataset, newest);
      this.newestEvent.set(labels, newest / 1000);
    }
  }

  deadLettered(reason: string): void {
    this.deadLetters.inc({ stage: this.stage, reason });
  }

  /** Times one publish; rethrows its failure after counting it. */
  async produce<T>(topic: string, publish: () => Promise<T>): Promise<T> {
    const end = this.produceSeconds.startTimer({ topic });
    try {
      const result = await publish();
      end();
      return result;
    } catch (error) {
      this.produceErrors.inc({ topic });
      throw error;
    }
  }
}

/**
 * The app's announcer, measured: each reference and dead letter is timed to its acknowledgement
 * and counted once acknowledged (`topics` names the labels; the wrapped announcer decides where
 * records really go).
 */
export function measuredAnnouncer(announcer: Announcer, metrics: PipelineMetrics, topics: AnnouncementTopics): Announcer {
  return {
    announce: async (reference) => {
      await metrics.produce(topics.files, () => announcer.announce(reference));
      metrics.fileAnnounced(reference);
    },
    deadLetter: async (event) => {
      await metrics.produce(topics.deadLetter, () => announcer.deadLetter(event));
      metrics.deadLettered(event.reason);
    },
  };
}
