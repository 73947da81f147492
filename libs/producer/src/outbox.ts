import { randomUUID } from 'node:crypto';
import { rawFileReference, type Announcer, type DeadLetterFields, type FileReferenceFields, type Logger, type ProducerIdentity } from '@fluxo/schema';
import { ProducerError } from './errors';
import type { PendingAnnouncement, PendingAnnouncements } from './pending-announcements';
import type { DurableFiles, StagedRawFile } from './types';

/** One raw file to hand over: whose it is, and how to stage it (write it under a hidden temp name). */
export interface OutboxFile {
  readonly source: string;
  readonly dataset: string;
  stage(): Promise<StagedRawFile>;
}

/** What one hand-over makes durable: its raw files, dead letters published with them, and the state change after them. */
export interface Handover<C> {
  readonly files: readonly OutboxFile[];
  readonly deadLetters: readonly DeadLetterFields[];
  readonly checkpoint: C;
}

export interface OutboxDeps<C> {
  /** The source or stream whose pending announcements this outbox owns (`<stateDir>/pending/<name>/`). */
  readonly name: string;
  readonly pending: PendingAnnouncements<C>;
  readonly files: Pick<DurableFiles, 'makeVisible' | 'sha256Of'>;
  readonly announcer: Announcer;
  /** Applies a hand-over's checkpoint to the producer's own state; called only after everything of it is acknowledged. */
  readonly advance: (checkpoint: C) => Promise<void>;
  readonly producer: ProducerIdentity;
  readonly logger: Logger;
}

/**
 * A producer's crash-safe hand-over of raw files to Kafka (the transactional outbox):
 *
 *   stage files (temp names) → record the pending announcement (references, dead letters,
 *   checkpoint) → commit files (rename) → publish dead letters, then references (acks=all)
 *   → advance the producer's state → drop the pending announcement
 *
 * A crash before the pending announcement is recorded leaves nothing visible and the state where
 * it was: the data is fetched or received again and written anew. A crash after it leaves an
 * announcement that `recover()` finishes with the same files and event ids. The state therefore
 * never gets ahead of what Kafka acknowledged, and nothing is announced twice as two different files.
 */
export class Outbox<C> {
  private readonly logger: Logger;

  constructor(private readonly deps: OutboxDeps<C>) {
    this.logger = deps.logger.child({ outbox: deps.name });
  }

  /** Finishes what a previous run (or a failed hand-over) left pending, oldest first; returns how many there were. */
  async recover(): Promise<number> {
    const pending = await this.deps.pending.list(this.deps.name);
    for (const item of pending) {
      if (!(await this.makeVisible(item))) {
        this.logger.warn({ unitId: item.unitId }, 'a pending announcement lost a file before commit; its data will be fetched or received again');
        await this.deps.pending.remove(this.deps.name, item);
        continue;
      }
      await this.finish(item);
      this.logger.info({ unitId: item.unitId, eventIds: item.files.map((f) => f.reference.eventId), uris: item.files.map((f) => f.reference.uri) }, 'announced what a previous run left pending');
    }
    return pending.length;
  }

  async hasPending(): Promise<boolean> {
    return (await this.deps.pending.list(this.deps.name)).length > 0;
  }

  /** Stages, records, commits, announces and advances one hand-over; resolves with its references once all are acknowledged. */
  async handOver(handover: Handover<C>): Promise<FileReferenceFields[]> {
    const staged: { file: OutboxFile; staged: StagedRawFile }[] = [];
    const discardAll = () => Promise.all(staged.map((s) => s.staged.discard().catch(() => undefined)));
    let pending: PendingAnnouncement<C>;
    try {
      for (const file of handover.files) staged.push({ file, staged: await file.stage() });
      pending = {
        unitId: randomUUID(),
        createdAt: new Date().toISOString(),
        files: staged.map(({ file, staged: s }) => ({
          reference: rawFileReference(s, { source: file.source, dataset: file.dataset, producer: this.deps.producer }),
          tmpPath: s.tmpPath,
          finalPath: s.path,
        })),
        deadLetters: handover.deadLetters,
        checkpoint: handover.checkpoint,
      };
      await this.deps.pending.add(this.deps.name, pending);
    } catch (error) {
      await discardAll();
      throw error;
    }
    for (const { staged: s } of staged) await s.commit();
    await this.finish(pending);
    return pending.files.map((f) => f.reference);
  }

  private async finish(pending: PendingAnnouncement<C>): Promise<void> {
    for (const event of pending.deadLetters) await this.deps.announcer.deadLetter(event);
    for (const file of pending.files) await this.deps.announcer.announce(file.reference);
    await this.deps.advance(pending.checkpoint);
    await this.deps.pending.remove(this.deps.name, pending);
  }

  /** Commits what a crash left staged; false when a file is gone (the hand-over never completed). */
  private async makeVisible(pending: PendingAnnouncement<C>): Promise<boolean> {
    for (const file of pending.files) {
      if (!(await this.deps.files.makeVisible(file.tmpPath, file.finalPath))) return false;
      const sha256 = await this.deps.files.sha256Of(file.finalPath);
      if (sha256 !== file.reference.sha256) {
        throw new ProducerError('STATE_CORRUPT', `Raw file ${file.finalPath} no longer matches its pending reference`, {
          context: { path: file.finalPath, expected: file.reference.sha256, actual: sha256 },
        });
      }
    }
    return true;
  }
}
