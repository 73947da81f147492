import type { DeadLetterFields, ExtractedRecord, FileReferenceFields, Logger, ProducerIdentity, Announcer } from '@fluxo/schema';
import { rawFileStem, type RawFileSink } from '@fluxo/parquet-io';
import { Outbox, type DurableFiles, type PendingAnnouncements } from '@fluxo/producer';
import type { CheckpointStore, StreamCheckpoint } from '../state/checkpoint-store';

/** One raw file of a unit: which source and dataset it belongs to, and its records. */
export interface UnitFile {
  readonly source: string;
  readonly dataset: string;
  /** File name prefix, e.g. `batch` or `gap`. */
  readonly label: string;
  readonly records: readonly ExtractedRecord[];
}

/** What one flush makes durable: its files, dead letters and the checkpoint after them. */
export interface Unit {
  readonly fetchedAt: Date;
  readonly files: readonly UnitFile[];
  readonly deadLetters: readonly DeadLetterFields[];
  readonly checkpoint: StreamCheckpoint;
}

export interface UnitAnnouncerDeps {
  /** The stream whose pending units and checkpoint this announcer owns. */
  readonly stream: string;
  readonly rawFiles: RawFileSink;
  readonly files: DurableFiles;
  readonly announcer: Announcer;
  readonly checkpoints: CheckpointStore;
  readonly pending: PendingAnnouncements<StreamCheckpoint>;
  readonly producer: ProducerIdentity;
  readonly logger: Logger;
}

/**
 * Hands a flushed batch over to the producer outbox (libs/producer: stage → pending → commit →
 * announce → checkpoint → drop, and recovery), naming its files: a gap file (when the batch
 * follows a gap) and the batch's events, each stem unique per content. Empty files are skipped.
 */
export class UnitAnnouncer {
  private readonly outbox: Outbox<StreamCheckpoint>;

  constructor(private readonly deps: UnitAnnouncerDeps) {
    this.outbox = new Outbox({
      name: deps.stream,
      pending: deps.pending,
      files: deps.files,
      announcer: deps.announcer,
      advance: (checkpoint) => deps.checkpoints.save(checkpoint),
      producer: deps.producer,
      logger: deps.logger.child({ stream: deps.stream }),
    });
  }

  /** Finishes units a previous run (or a failed flush) left pending; returns how many. */
  recover(): Promise<number> {
    return this.outbox.recover();
  }

  hasPending(): Promise<boolean> {
    return this.outbox.hasPending();
  }

  /** Writes, announces and checkpoints one unit; resolves with the references once all are acknowledged. */
  commit(unit: Unit): Promise<FileReferenceFields[]> {
    const files = unit.files
      .filter((file) => file.records.length > 0)
      .map((file) => ({
        source: file.source,
        dataset: file.dataset,
        stage: () => this.deps.rawFiles.stage({ source: file.source, stem: `${file.label}-${rawFileStem(unit.fetchedAt, file.records)}`, fetchedAt: unit.fetchedAt, records: file.records }),
      }));
    return this.outbox.handOver({ files, deadLetters: unit.deadLetters, checkpoint: unit.checkpoint });
  }
}
