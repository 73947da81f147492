import { randomUUID } from 'node:crypto';
import type { DeadLetterFields, ExtractedRecord, FileReferenceFields, Logger, ProducerIdentity } from '@fluxo/schema';
import { rawFileReference, rawFileStem } from '@fluxo/parquet-io';
import { StreamIngestError } from '../errors';
import type { Announcer, RawFileSink, StagedRawFile } from '../ports';
import type { CheckpointStore, StreamCheckpoint } from '../state/checkpoint-store';
import type { PendingUnit, PendingUnits } from '../state/pending-units';

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
  readonly announcer: Announcer;
  readonly checkpoints: CheckpointStore;
  readonly pending: PendingUnits;
  readonly producer: ProducerIdentity;
  readonly logger: Logger;
}

/**
 * Makes a flushed batch durable with the crash-safety protocol of apps/ingest:
 *
 *   stage files (temp names) → record the pending unit (references, dead letters, checkpoint)
 *   → commit files (rename) → publish dead letters and references (acks=all)
 *   → save the checkpoint → drop the pending unit
 *
 * A crash before the pending unit is recorded leaves nothing visible and the checkpoint where it
 * was: the events are received again and written anew. A crash after it leaves a unit that
 * `recover()` finishes with the same files and event ids. The checkpoint therefore never gets
 * ahead of what Kafka acknowledged, and nothing is announced twice as two different files.
 */
export class UnitAnnouncer {
  private readonly logger: Logger;

  constructor(private readonly deps: UnitAnnouncerDeps) {
    this.logger = deps.logger.child({ stream: deps.stream });
  }

  /** Finishes units a previous run (or a failed flush) left pending; returns how many. */
  async recover(): Promise<number> {
    const units = await this.deps.pending.list(this.deps.stream);
    for (const unit of units) {
      const visible = await this.makeVisible(unit);
      if (!visible) {
        this.logger.warn({ unitId: unit.unitId }, 'pending unit lost a file before commit; its events will be received again');
        await this.deps.pending.remove(this.deps.stream, unit);
        continue;
      }
      await this.finish(unit);
      this.logger.info({ unitId: unit.unitId, uris: unit.files.map((f) => f.reference.uri) }, 'announced a unit left pending by a previous run');
    }
    return units.length;
  }

  async hasPending(): Promise<boolean> {
    return (await this.deps.pending.list(this.deps.stream)).length > 0;
  }

  /** Writes, announces and checkpoints one unit; resolves with the references once all are acknowledged. */
  async commit(unit: Unit): Promise<FileReferenceFields[]> {
    const staged: { file: UnitFile; staged: StagedRawFile }[] = [];
    try {
      for (const file of unit.files) {
        if (file.records.length === 0) continue;
        const stem = `${file.label}-${rawFileStem(unit.fetchedAt, file.records)}`;
        staged.push({ file, staged: await this.deps.rawFiles.stage({ source: file.source, stem, fetchedAt: unit.fetchedAt, records: file.records }) });
      }
    } catch (error) {
      await Promise.all(staged.map((s) => s.staged.discard().catch(() => undefined)));
      throw error;
    }
    const pending: PendingUnit = {
      unitId: randomUUID(),
      createdAt: new Date().toISOString(),
      files: staged.map(({ file, staged: s }) => ({ reference: this.referenceOf(file, s), tmpPath: s.tmpPath, finalPath: s.finalPath })),
      deadLetters: unit.deadLetters,
      checkpoint: unit.checkpoint,
    };
    try {
      await this.deps.pending.add(this.deps.stream, pending);
    } catch (error) {
      await Promise.all(staged.map((s) => s.staged.discard().catch(() => undefined)));
      throw error;
    }
    for (const { staged: s } of staged) await s.commit();
    await this.finish(pending);
    return pending.files.map((f) => f.reference);
  }

  private async finish(unit: PendingUnit): Promise<void> {
    for (const event of unit.deadLetters) await this.deps.announcer.deadLetter(event);
    for (const file of unit.files) await this.deps.announcer.announce(file.reference);
    await this.deps.checkpoints.save(unit.checkpoint);
    await this.deps.pending.remove(this.deps.stream, unit);
  }

  private async makeVisible(unit: PendingUnit): Promise<boolean> {
    for (const file of unit.files) {
      if (!(await this.deps.rawFiles.makeVisible(file.tmpPath, file.finalPath))) return false;
      const sha256 = await this.deps.rawFiles.sha256Of(file.finalPath);
      if (sha256 !== file.reference.sha256) {
        throw new StreamIngestError('STATE_CORRUPT', `Raw file ${file.finalPath} no longer matches its pending reference`, {
          context: { path: file.finalPath, expected: file.reference.sha256, actual: sha256 },
        });
      }
    }
    return true;
  }

  private referenceOf(file: UnitFile, staged: StagedRawFile): FileReferenceFields {
    return rawFileReference(staged, { source: file.source, dataset: file.dataset, producer: this.deps.producer });
  }
}
