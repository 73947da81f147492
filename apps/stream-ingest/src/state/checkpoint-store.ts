import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StreamIngestError } from '../errors';
import { writeFileAtomically } from '@fluxo/parquet-io';

/**
 * Where a stream stands, as of the last announced batch: the position to resume from, the event
 * time there, and the keys of the newest announced events (the dedup window). It is written only
 * after the batch that contains the position is acknowledged by Kafka.
 */
export interface StreamCheckpoint {
  readonly stateVersion: 1;
  readonly source: string;
  readonly url: string;
  /** SSE last-event-id after the last announced event; null for streams without ids. */
  readonly position: string | null;
  readonly lastEventTime: string | null;
  /** Whether any event was ever consumed (a first start has no gap to record). */
  readonly hadEvents: boolean;
  /** Keys of the newest announced events, oldest first. */
  readonly window: readonly string[];
  readonly updatedAt: string;
}

export function emptyCheckpoint(source: string, url: string): StreamCheckpoint {
  return { stateVersion: 1, source, url, position: null, lastEventTime: null, hadEvents: false, window: [], updatedAt: new Date(0).toISOString() };
}

/** Keeps each stream's checkpoint in `<stateDir>/<source>.checkpoint.json`, written atomically. */
export class CheckpointStore {
  constructor(private readonly stateDir: string) {}

  async load(source: string, url: string): Promise<StreamCheckpoint> {
    const path = this.pathOf(source);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyCheckpoint(source, url);
      throw error;
    }
    let checkpoint: StreamCheckpoint;
    try {
      checkpoint = JSON.parse(text) as StreamCheckpoint;
    } catch (cause) {
      throw new StreamIngestError('STATE_CORRUPT', `Checkpoint ${path} is not valid JSON: move it away to start this stream afresh`, { cause, context: { path } });
    }
    if (checkpoint.stateVersion !== 1 || checkpoint.source !== source || !Array.isArray(checkpoint.window)) {
      throw new StreamIngestError('STATE_CORRUPT', `Checkpoint ${path} is not a version 1 checkpoint of ${source}`, { context: { path } });
    }
    // Another URL is another stream: its position means nothing there, but its keys still dedup.
    return checkpoint.url === url ? checkpoint : { ...emptyCheckpoint(source, url), window: checkpoint.window, hadEvents: checkpoint.hadEvents };
  }

  async save(checkpoint: StreamCheckpoint): Promise<void> {
    await writeFileAtomically(this.pathOf(checkpoint.source), JSON.stringify(checkpoint));
  }

  private pathOf(source: string): string {
    return join(this.stateDir, `${source}.checkpoint.json`);
  }
}
