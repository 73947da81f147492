import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoOf, type DeadLetterFields, type FileReferenceFields } from '@fluxo/schema';
import { ProducerError } from './errors';
import type { DurableFiles } from './types';

/** A file of a pending announcement: its reference and where its bytes are before and after commit. */
export interface PendingFile {
  readonly reference: FileReferenceFields;
  readonly tmpPath: string;
  readonly finalPath: string;
}

/**
 * What one hand-over makes durable, recorded before any of its files becomes visible and removed
 * once the producer's state has advanced: the raw files' references, the dead letters to publish
 * with them, and the checkpoint (`C`, the producer's own state change) to apply after all of them
 * are acknowledged. Whatever is left at startup is finished then, with the same event ids and files.
 */
export interface PendingAnnouncement<C> {
  readonly unitId: string;
  readonly createdAt: string;
  readonly files: readonly PendingFile[];
  readonly deadLetters: readonly DeadLetterFields[];
  readonly checkpoint: C;
}

/**
 * The ingest format before libs/producer (one file, no dead letters, the state change as
 * `update`), stored as `<eventId>.json`. Read and finished like any other; never written.
 */
interface LegacyPendingAnnouncement<C> {
  readonly reference: FileReferenceFields;
  readonly tmpPath: string;
  readonly finalPath: string;
  readonly update: C;
}

/** Pending announcements under `<stateDir>/pending/<name>/<createdAt>-<unitId>.json`, one file each, written atomically. */
export class PendingAnnouncements<C> {
  constructor(
    private readonly stateDir: string,
    private readonly files: Pick<DurableFiles, 'writeAtomically'>,
  ) {}

  async add(name: string, pending: PendingAnnouncement<C>): Promise<void> {
    await this.files.writeAtomically(join(this.dirOf(name), fileNameOf(pending)), JSON.stringify(pending));
  }

  async remove(name: string, pending: PendingAnnouncement<C>): Promise<void> {
    await rm(join(this.dirOf(name), fileNameOf(pending)), { force: true });
    await rm(join(this.dirOf(name), `${pending.unitId}.json`), { force: true }); // the legacy name, if it was one
  }

  /** The pending announcements of `name`, oldest first. */
  async list(name: string): Promise<PendingAnnouncement<C>[]> {
    const dir = this.dirOf(name);
    let names: string[];
    try {
      names = (await readdir(dir)).filter((file) => file.endsWith('.json'));
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') return [];
      throw error;
    }
    const pending = await Promise.all(names.map((file) => this.read(join(dir, file))));
    return pending.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.unitId.localeCompare(b.unitId));
  }

  private async read(path: string): Promise<PendingAnnouncement<C>> {
    let value: unknown;
    try {
      value = JSON.parse(await readFile(path, 'utf8'));
    } catch (cause) {
      throw new ProducerError('STATE_CORRUPT', `Pending announcement ${path} is not valid JSON: move it away (its data will be fetched or received again)`, { cause, context: { path } });
    }
    if (isCurrent<C>(value)) return value;
    if (isLegacy<C>(value)) return fromLegacy(value);
    throw new ProducerError('STATE_CORRUPT', `Pending announcement ${path} is not one this producer wrote`, { context: { path } });
  }

  private dirOf(name: string): string {
    return join(this.stateDir, 'pending', name);
  }
}

function fileNameOf(pending: PendingAnnouncement<unknown>): string {
  return `${pending.createdAt.replace(/[:.]/g, '')}-${pending.unitId}.json`;
}

function isCurrent<C>(value: unknown): value is PendingAnnouncement<C> {
  return typeof value === 'object' && value !== null && 'unitId' in value && 'files' in value && Array.isArray(value.files) && 'deadLetters' in value && Array.isArray(value.deadLetters) && 'createdAt' in value;
}

function isLegacy<C>(value: unknown): value is LegacyPendingAnnouncement<C> {
  return typeof value === 'object' && value !== null && 'reference' in value && 'tmpPath' in value && 'finalPath' in value && 'update' in value;
}

/** A legacy ingest announcement as the one-file announcement it is; its event id doubles as the unit id (and its file name). */
function fromLegacy<C>(legacy: LegacyPendingAnnouncement<C>): PendingAnnouncement<C> {
  const { reference, tmpPath, finalPath, update } = legacy;
  return { unitId: reference.eventId, createdAt: reference.producedAt, files: [{ reference, tmpPath, finalPath }], deadLetters: [], checkpoint: update };
}
