import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomically } from '@fluxo/parquet-io';
import { IngestError } from '../errors';
import { emptyState, type SourceState } from './poll-state';

/**
 * Keeps each source's state in `<stateDir>/<source>.json`, written atomically (temp file, fsync,
 * rename) so a crash leaves either the old or the new state, never half of one.
 */
export class StateStore {
  constructor(private readonly stateDir: string) {}

  async load(source: string, url: string): Promise<SourceState> {
    const path = this.pathOf(source);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyState(source, url);
      throw error;
    }
    let state: SourceState;
    try {
      state = JSON.parse(text) as SourceState;
    } catch (cause) {
      throw new IngestError('STATE_CORRUPT', `State file ${path} is not valid JSON: move it away to start this source afresh`, {
        cause,
        context: { path },
      });
    }
    if (state.stateVersion !== 1 || state.source !== source) {
      throw new IngestError('STATE_CORRUPT', `State file ${path} is not a version 1 state of ${source}`, { context: { path } });
    }
    return state.url === url ? state : { ...emptyState(source, url), seen: state.seen };
  }

  async save(state: SourceState): Promise<void> {
    await writeFileAtomically(this.pathOf(state.source), JSON.stringify(state));
  }

  private pathOf(source: string): string {
    return join(this.stateDir, `${source}.json`);
  }
}
