import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DeadLetterFields, FileReferenceFields } from '@fluxo/schema';
import { writeFileAtomically } from '@fluxo/parquet-io';
import type { StreamCheckpoint } from './checkpoint-store';

/** A file of a unit: its reference and where its bytes are before and after commit. */
export interface PendingFile {
  readonly reference: FileReferenceFields;
  readonly tmpPath: string;
  readonly finalPath: string;
}

/**
 * One flushed batch whose files are written but not yet all acknowledged: the raw files (events,
 * and a gap file when the batch follows a gap), the dead letters of its malformed messages, and
 * the checkpoint to store once all of them are announced. Written before any file becomes
 * visible, removed after the checkpoint is saved; whatever is left at startup is finished then,
 * with the same event ids and the same files.
 */
export interface PendingUnit {
  readonly unitId: string;
  readonly createdAt: string;
  readonly files: readonly PendingFile[];
  readonly deadLetters: readonly DeadLetterFields[];
  readonly checkpoint: StreamCheckpoint;
}

export class PendingUnits {
  constructor(private readonly stateDir: string) {}

  async add(source: string, unit: PendingUnit): Promise<void> {
    await writeFileAtomically(this.pathOf(source, unit), JSON.stringify(unit));
  }

  async remove(source: string, unit: PendingUnit): Promise<void> {
    await rm(this.pathOf(source, unit), { force: true });
  }

  /** A stream's pending units, oldest first. */
  async list(source: string): Promise<PendingUnit[]> {
    const dir = join(this.stateDir, 'pending', source);
    let names: string[];
    try {
      names = (await readdir(dir)).filter((name) => name.endsWith('.json')).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return Promise.all(names.map(async (name) => JSON.parse(await readFile(join(dir, name), 'utf8')) as PendingUnit));
  }

  private pathOf(source: string, unit: PendingUnit): string {
    return join(this.stateDir, 'pending', source, `${unit.createdAt.replace(/[:.]/g, '')}-${unit.unitId}.json`);
  }
}
