import { join } from 'node:path';
import { JsonStateFile, type DurableFiles } from '@fluxo/producer';
import { emptyState, type SourceState } from './poll-state';

/**
 * Keeps each source's state in `<stateDir>/<source>.json`, written atomically (temp file, fsync,
 * rename) so a crash leaves either the old or the new state, never half of one.
 */
export class StateStore {
  private readonly file: JsonStateFile<SourceState>;

  constructor(
    private readonly stateDir: string,
    files: DurableFiles,
  ) {
    this.file = new JsonStateFile<SourceState>(files, 'State file');
  }

  async load(source: string, url: string): Promise<SourceState> {
    const state = await this.file.read(this.pathOf(source), source);
    if (state === undefined) return emptyState(source, url);
    return state.url === url ? state : { ...emptyState(source, url), seen: state.seen };
  }

  save(state: SourceState): Promise<void> {
    return this.file.write(this.pathOf(state.source), state);
  }

  private pathOf(source: string): string {
    return join(this.stateDir, `${source}.json`);
  }
}
