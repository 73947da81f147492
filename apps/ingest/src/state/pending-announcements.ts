import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileReferenceFields } from '@fluxo/schema';
import type { PollUpdate } from './poll-state';
import { writeFileAtomically } from '@fluxo/parquet-io';

/**
 * A poll whose raw file is written but whose reference is not yet acknowledged. It is written
 * before the file becomes visible and removed after the state advanced; whatever is left at
 * startup is finished then, with the same event id and the same file.
 */
export interface PendingAnnouncement {
  readonly reference: FileReferenceFields;
  readonly tmpPath: string;
  readonly finalPath: string;
  readonly update: PollUpdate;
}

export class PendingAnnouncements {
  constructor(private readonly stateDir: string) {}

  async add(source: string, pending: PendingAnnouncement): Promise<void> {
    await writeFileAtomically(this.pathOf(source, pending.reference.eventId), JSON.stringify(pending));
  }

  async remove(source: string, eventId: string): Promise<void> {
    await rm(this.pathOf(source, eventId), { force: true });
  }

  /** Pending announcements of a source, oldest first. */
  async list(source: string): Promise<PendingAnnouncement[]> {
    const dir = join(this.stateDir, 'pending', source);
    let names: string[];
    try {
      names = (await readdir(dir)).filter((name) => name.endsWith('.json'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const pending = await Promise.all(names.map(async (name) => JSON.parse(await readFile(join(dir, name), 'utf8')) as PendingAnnouncement));
    return pending.sort((a, b) => a.reference.producedAt.localeCompare(b.reference.producedAt));
  }

  private pathOf(source: string, eventId: string): string {
    return join(this.stateDir, 'pending', source, `${eventId}.json`);
  }
}
