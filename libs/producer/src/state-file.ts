import { readFile } from 'node:fs/promises';
import { errnoOf } from '@fluxo/schema';
import { ProducerError } from './errors';
import type { DurableFiles } from './types';

/** What every producer state file carries, so a file of another version or source is refused. */
export interface VersionedState {
  readonly stateVersion: 1;
  readonly source: string;
}

/**
 * A producer's own state as one JSON file, replaced atomically so a crash leaves either the old or
 * the new state, never half of one. Reading checks it: valid JSON, version 1, the right source,
 * and whatever `isValid` adds; anything else is `STATE_CORRUPT`, naming the file to move away.
 */
export class JsonStateFile<S extends VersionedState> {
  constructor(
    private readonly files: Pick<DurableFiles, 'writeAtomically'>,
    /** How messages name the file: `State file`, `Checkpoint`. */
    private readonly label: string,
    private readonly isValid: (state: S) => boolean = () => true,
  ) {}

  /** The state kept at `path`, or undefined when there is none yet. */
  async read(path: string, source: string): Promise<S | undefined> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') return undefined;
      throw error;
    }
    let state: S;
    try {
      state = JSON.parse(text) as S;
    } catch (cause) {
      throw new ProducerError('STATE_CORRUPT', `${this.label} ${path} is not valid JSON: move it away to start ${source} afresh`, { cause, context: { path } });
    }
    if (typeof state !== 'object' || state === null || state.stateVersion !== 1 || state.source !== source || !this.isValid(state)) {
      throw new ProducerError('STATE_CORRUPT', `${this.label} ${path} is not a version 1 ${this.label.toLowerCase()} of ${source}`, { context: { path } });
    }
    return state;
  }

  async write(path: string, state: S): Promise<void> {
    await this.files.writeAtomically(path, JSON.stringify(state));
  }
}
