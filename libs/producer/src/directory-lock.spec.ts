import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { lockDirectory } from './directory-lock';

describe('lockDirectory', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fluxo-lock-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('lets one holder in at a time and names the holder to the next', async () => {
    const lock = await lockDirectory(dir, { name: 'ingest', owner: 'ingest test:1' });
    await expect(lockDirectory(dir, { name: 'ingest', owner: 'ingest test:2' })).rejects.toMatchObject({ code: 'LOCKED', message: expect.stringContaining('ingest test:1') });
    await lock.release();
    const again = await lockDirectory(dir, { name: 'ingest', owner: 'ingest test:2' });
    await again.release();
    expect(await readdir(dir)).toEqual([]);
  });

  it('keeps different apps sharing a folder apart', async () => {
    const ingest = await lockDirectory(dir, { name: 'ingest', owner: 'a' });
    const streams = await lockDirectory(dir, { name: 'stream-ingest', owner: 'b' });
    await Promise.all([ingest.release(), streams.release()]);
  });

  it('takes over a lock whose process is gone', async () => {
    await writeFile(join(dir, '.ingest.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), owner: 'crashed', since: '2025-01-01T00:00:00Z' }));
    const lock = await lockDirectory(dir, { name: 'ingest', owner: 'restarted' });
    await lock.release();
  });

  it('refuses a lock held on another host, which it cannot check', async () => {
    await writeFile(join(dir, '.ingest.lock'), JSON.stringify({ pid: 1, host: 'elsewhere', owner: 'remote', since: '2025-01-01T00:00:00Z' }));
    await expect(lockDirectory(dir, { name: 'ingest', owner: 'me' })).rejects.toMatchObject({ code: 'LOCKED' });
  });
});
