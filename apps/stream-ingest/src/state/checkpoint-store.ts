import { join } from 'node:path';
import { JsonStateFile, type DurableFiles } from '@fluxo/producer';

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
  private readonly file: JsonStateFile<StreamCheckpoint>;

  constructor(
    private readonly stateDir: string,
    files: DurableFiles,
  ) {
    this.file = new JsonStateFile<StreamCheckpoint>(files, 'Checkpoint', (checkpoint) => Array.isArray(checkpoint.window));
  }

  async load(source: string, url: string): Promise<StreamCheckpoint> {
    const checkpoint = await this.file.read(this.pathOf(source), source);
    if (checkpoint === undefined) return emptyCheckpoint(source, url);
    // Another URL is another stream: its position means nothing there, but its keys still dedup.
    return checkpoint.url === url ? checkpoint : { ...emptyCheckpoint(source, url), window: checkpoint.window, hadEvents: checkpoint.hadEvents };
  }

  save(checkpoint: StreamCheckpoint): Promise<void> {
    return this.file.write(this.pathOf(checkpoint.source), checkpoint);
  }

  private pathOf(source: string): string {
    return join(this.stateDir, `${source}.checkpoint.json`);
  }
}
