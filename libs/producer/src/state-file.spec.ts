import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonStateFile, type VersionedState } from './state-file';
import { testDurableFiles } from './testing';

interface State extends VersionedState {
  readonly window: readonly string[];
}

describe('JsonStateFile', () => {
  let dir: string;
  const file = () => new JsonStateFile<State>(testDurableFiles, 'Checkpoint', (state) => Array.isArray(state.window));
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fluxo-state-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('reads back what it wrote, and nothing when there is no file yet', async () => {
    const path = join(dir, 'rc.checkpoint.json');
    expect(await file().read(path, 'rc')).toBeUndefined();
    await file().write(path, { stateVersion: 1, source: 'rc', window: ['a'] });
    expect(await file().read(path, 'rc')).toEqual({ stateVersion: 1, source: 'rc', window: ['a'] });
  });

  it.each([
    ['not JSON', '{"stateVersion":', 'not valid JSON'],
    ['another version', '{"stateVersion":2,"source":"rc","window":[]}', 'not a version 1 checkpoint of rc'],
    ['another source', '{"stateVersion":1,"source":"other","window":[]}', 'not a version 1 checkpoint of rc'],
    ['a failed check', '{"stateVersion":1,"source":"rc","window":"x"}', 'not a version 1 checkpoint of rc'],
  ])('refuses %s as STATE_CORRUPT, naming the file', async (_case, text, message) => {
    const path = join(dir, 'rc.checkpoint.json');
    await writeFile(path, text);
    await expect(file().read(path, 'rc')).rejects.toMatchObject({ code: 'STATE_CORRUPT', message: expect.stringContaining(message), context: { path } });
  });
});
