import { writeFileSync } from 'node:fs';
import { copyFile, mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@fluxo/schema';
import { recordingLogger } from '@fluxo/schema/testing';
import { DefinitionWatcher, type DefinitionChange } from './definition-watcher';

const EXAMPLE = join(__dirname, '..', '..', '..', 'docs', 'examples', 'github-events');

describe('DefinitionWatcher', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fluxo-watch-'));
    await mkdir(join(dir, 'sources'));
    await mkdir(join(dir, 'datasets'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const addExample = async () => {
    await copyFile(join(EXAMPLE, 'datasets', 'github_events.json'), join(dir, 'datasets', 'github_events.json'));
    await copyFile(join(EXAMPLE, 'sources', 'github-events.json'), join(dir, 'sources', 'github-events.json'));
  };
  const source = async () => JSON.parse(await readFile(join(dir, 'sources', 'github-events.json'), 'utf8')) as Record<string, unknown>;
  const writeSource = (definition: unknown) => writeFile(join(dir, 'sources', 'github-events.json'), JSON.stringify(definition));

  it('applies an added, a changed and a removed definition, telling listeners with the previous catalog', async () => {
    const logger = recordingLogger();
    await using watcher = await DefinitionWatcher.open({ dir, intervalMs: 60_000, logger });
    const changes: DefinitionChange[] = [];
    watcher.onChange((change) => void changes.push(change));
    expect(await watcher.check()).toBe(false); // nothing changed
    expect(watcher.catalog.sourceNames()).not.toContain('github-events');

    await addExample();
    expect(await watcher.check()).toBe(true);
    expect(watcher.catalog.pollSource('github-events').request.intervalMs).toBe(60_000);
    expect(changes[0]?.previous.sourceNames()).not.toContain('github-events');
    expect(logger.entries.find((e) => e.message?.includes('changed; applying'))?.fields).toMatchObject({ added: ['source github-events', 'dataset github_events'], changed: [], removed: [] });

    await writeSource({ ...(await source()), request: { ...((await source())['request'] as object), intervalMs: 5_000 } });
    expect(await watcher.check()).toBe(true);
    expect(watcher.catalog.pollSource('github-events').request.intervalMs).toBe(5_000);
    expect(logger.entries.at(-1)?.fields).toMatchObject({ added: [], changed: ['source github-events'], removed: [] });

    await rm(join(dir, 'sources', 'github-events.json'));
    expect(await watcher.check()).toBe(true);
    expect(watcher.catalog.sourceNames()).not.toContain('github-events');
    expect(watcher.catalog.datasetNames()).toContain('github_events');
    expect(changes).toHaveLength(3);
  });

  it('keeps the previous catalog when a change is invalid, logs its messages once, and applies the fix', async () => {
    await addExample();
    const logger = recordingLogger();
    await using watcher = await DefinitionWatcher.open({ dir, intervalMs: 60_000, logger });
    const valid = await source();
    const { key: _key, ...withoutKey } = valid;
    await writeSource(withoutKey);
    expect(await watcher.check()).toBe(false);
    expect(await watcher.check()).toBe(false);
    const errors = logger.entries.filter((e) => e.level === 'error');
    expect(errors).toHaveLength(1); // once, however many scans see the same files
    expect(errors[0]?.fields['problems']).toEqual([expect.stringMatching(/github-events\.json.*key/)]); // one message for the one mistake
    expect(watcher.catalog.pollSource('github-events').key).toEqual(['id']);

    await writeFile(join(dir, 'sources', 'broken.json'), '{ "name": ');
    expect(await watcher.check()).toBe(false);
    expect(logger.entries.filter((e) => e.level === 'error')).toHaveLength(2);

    await rm(join(dir, 'sources', 'broken.json'));
    await writeSource({ ...valid, description: 'fixed' });
    expect(await watcher.check()).toBe(true);
    expect(watcher.catalog.pollSource('github-events').description).toBe('fixed');
  });

  it('applies a fix written the moment the invalid change is reported (what an operator does on seeing the message)', async () => {
    await addExample();
    const valid = await source();
    const { key: _key, ...withoutKey } = valid;
    const recorded = recordingLogger();
    // the fix lands while the watcher is still handling the rejected change: right when it logs it
    const logger = { ...recorded, error: (fields: object, message?: string) => (recorded.error(fields, message), writeFileSync(join(dir, 'sources', 'github-events.json'), JSON.stringify({ ...valid, description: 'fixed at once' }))) };
    await using watcher = await DefinitionWatcher.open({ dir, intervalMs: 60_000, logger });
    await writeSource(withoutKey);
    expect(await watcher.check()).toBe(false);
    expect(recorded.entries.filter((e) => e.level === 'error')).toHaveLength(1);
    expect(await watcher.check()).toBe(true);
    expect(watcher.catalog.pollSource('github-events').description).toBe('fixed at once');
  });

  it('rejects invalid definitions at open, as at any startup', async () => {
    await writeFile(join(dir, 'sources', 'broken.json'), '[]');
    await expect(DefinitionWatcher.open({ dir, intervalMs: 60_000, logger: silentLogger })).rejects.toMatchObject({ code: 'INVALID_DEFINITION' });
  });

  it('scans by itself once started, and a listener that throws does not stop the others', async () => {
    const logger = recordingLogger();
    await using watcher = await DefinitionWatcher.open({ dir, intervalMs: 100, logger });
    watcher.onChange(() => {
      throw new Error('listener failed');
    });
    // The two files may be seen apart (the dataset alone is valid too): wait for the change bringing the source.
    const applied = new Promise<DefinitionChange>((resolve) => watcher.onChange((change) => void (change.catalog.sourceNames().includes('github-events') && resolve(change))));
    watcher.start();
    await addExample();
    const change = await applied; // no deadline of its own: jest's timeout is the generous one
    expect(change.catalog.pollSource('github-events').dataset).toBe('github_events');
    expect(logger.entries.some((e) => e.level === 'error' && e.message === 'applying changed definitions failed')).toBe(true);
  });

  it('watches nothing without a folder: the built-ins stay', async () => {
    await using watcher = await DefinitionWatcher.open({ dir: undefined, intervalMs: 100, logger: silentLogger });
    watcher.start();
    expect(await watcher.check()).toBe(false);
    expect(watcher.catalog.sourceNames()).toContain('usgs-earthquakes');
  });
});
