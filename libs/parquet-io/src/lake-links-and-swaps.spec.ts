import { createHash } from 'node:crypto';
import { appendFile, chmod, link, mkdir, rename, stat, symlink, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { stage } from './atomic-file';
import type { Lake } from './lake';
import { createTempLake, type TempLake } from './testing/temp-lake';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const dir = 'raw/usgs/date=2025-05-04';
const uri = `${dir}/poll-1.parquet`;
const body = 'PAR1 pretend';

/**
 * Issue 9: the lake refuses links it cannot vouch for (dangling symlinks, extra hard links) and a
 * verified file is pinned to the inode that was hashed, so a swap before the real read is seen.
 */
describe('issue 9: lake links and swaps', () => {
  let tmp: TempLake;
  let lake: Lake;
  const at = (relative: string) => join(lake.root, ...relative.split('/'));
  beforeEach(async () => {
    tmp = await createTempLake();
    lake = tmp.lake;
    await mkdir(at(dir), { recursive: true });
    await writeFile(at(uri), body);
    // The kernel stamps ctime from a coarse clock (a few ms per tick): let it move past the file's
    // creation, as it has long done when a real raw file is verified, so a rename shows in ctime.
    const created = (await stat(at(uri))).ctimeMs;
    while (Date.now() < created + 20) await sleep(5);
  });
  afterEach(() => tmp.cleanup());

  describe('resolve', () => {
    it('refuses a dangling symlink as the file (a writer would create its target, wherever it points)', async () => {
      await symlink(join(tmp.dir, 'outside', 'planted.parquet'), at(`${dir}/dangling.parquet`));
      await expect(lake.resolve(`${dir}/dangling.parquet`)).rejects.toMatchObject({ code: 'LINK_REFUSED', retriable: false });
    });

    it('refuses a dangling symlink as a directory on the way', async () => {
      await symlink(join(tmp.dir, 'nowhere'), at('raw/usgs/date=2025-05-05'));
      await expect(lake.resolve('raw/usgs/date=2025-05-05/x.parquet')).rejects.toMatchObject({ code: 'LINK_REFUSED' });
    });

    it('refuses a dangling symlink that points inside the lake too', async () => {
      await symlink(at(`${dir}/not-yet.parquet`), at(`${dir}/inside-dangling.parquet`));
      await expect(lake.resolve(`${dir}/inside-dangling.parquet`)).rejects.toMatchObject({ code: 'LINK_REFUSED' });
    });

    it('refuses a file with a second hard link (here: one outside the lake)', async () => {
      await link(at(uri), join(tmp.dir, 'outside-name.parquet'));
      await expect(lake.resolve(uri)).rejects.toMatchObject({ code: 'LINK_REFUSED', context: expect.objectContaining({ uri, actual: 2 }) });
      await expect(lake.verify({ uri, bytes: body.length, sha256: sha(body) })).rejects.toMatchObject({ code: 'LINK_REFUSED' });
    });

    it('refuses a second hard link disguised under another temp-like name', async () => {
      await link(at(uri), at(`${dir}/.other.parquet.0123456789abcdef.tmp`));
      await expect(lake.resolve(uri)).rejects.toMatchObject({ code: 'LINK_REFUSED' });
    });

    it("accepts the one second link a killed writer leaves: its own temp name beside it (commit = link, then unlink)", async () => {
      const staged = await stage(at(`${dir}/poll-2.parquet`), (tmpPath) => writeFile(tmpPath, body));
      await link(staged.tmpPath, staged.finalPath); // the commit's first half; the writer dies before unlinking
      await expect(lake.resolve(`${dir}/poll-2.parquet`)).resolves.toBe(at(`${dir}/poll-2.parquet`));
      await expect(lake.verify({ uri: `${dir}/poll-2.parquet`, bytes: body.length, sha256: sha(body) })).resolves.toBe(at(`${dir}/poll-2.parquet`));
    });

    it('still accepts files not written yet and ordinary files', async () => {
      await expect(lake.resolve(`${dir}/later.parquet`)).resolves.toBe(at(`${dir}/later.parquet`));
      await expect(lake.resolve(uri)).resolves.toBe(at(uri));
    });
  });

  describe('verifyFile + assertUnchanged', () => {
    const expectation = { uri, bytes: body.length, sha256: sha(body) };

    it('passes when nothing touched the file', async () => {
      const verified = await lake.verifyFile(expectation);
      expect(verified).toMatchObject({ uri, path: at(uri) });
      await expect(verified.assertUnchanged()).resolves.toBeUndefined();
    });

    it.each([
      ['replaced by another file of the same size (rename over it)', async () => {
        await writeFile(at(`${dir}/evil.tmp-name.parquet`), 'PAR1 EVIL!!!');
        await rename(at(`${dir}/evil.tmp-name.parquet`), at(uri));
      }],
      ['written in place', () => appendFile(at(uri), 'more')],
      ['swapped away and back (same inode, same bytes: ctime moved)', async () => {
        await rename(at(uri), at(`${dir}/aside.parquet`));
        await writeFile(at(uri), 'PAR1 EVIL!!!');
        await rename(at(`${dir}/aside.parquet`), at(uri));
      }],
      ['given a second name', () => link(at(uri), join(tmp.dir, 'second-name.parquet'))],
      ['chmod-ed', () => chmod(at(uri), 0o600)],
    ])('throws the retriable FILE_CHANGED when the file was %s after verification', async (_name, tamper) => {
      const verified = await lake.verifyFile(expectation);
      await tamper();
      await expect(verified.assertUnchanged()).rejects.toMatchObject({ code: 'FILE_CHANGED', retriable: true, context: { uri, path: at(uri) } });
    });

    it('refuses a symlink swapped in as the file', async () => {
      await writeFile(join(tmp.dir, 'outside.parquet'), body);
      await rename(at(uri), at(`${dir}/gone.parquet`));
      await symlink(join(tmp.dir, 'outside.parquet'), at(uri));
      await expect(lake.verifyFile(expectation)).rejects.toMatchObject({ code: 'URI_OUTSIDE_LAKE' });
    });
  });
});
