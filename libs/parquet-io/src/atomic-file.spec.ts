import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { digestFile, isTempFileName, recoverStagedFile, sha256File, stage, sweepStaleTempFiles, writeFileAtomically } from './atomic-file';
import { ParquetIoError } from './errors';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const parquetGlob = async (dir: string) => (await readdir(dir)).filter((name) => name.endsWith('.parquet'));

describe('atomic files', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fluxo-atomic-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('replaces a state file atomically, leaving no temp file behind', async () => {
    const path = join(dir, 'state', 'source.json');
    await writeFileAtomically(path, '{"v":1}');
    await writeFileAtomically(path, '{"v":2}');
    expect(await readFile(path, 'utf8')).toBe('{"v":2}');
    expect(await readdir(join(dir, 'state'))).toEqual(['source.json']);
  });

  it('recovers a commit a crash interrupted, and says when there is nothing to recover', async () => {
    const finalPath = join(dir, 'raw.parquet');
    const staged = await stage(finalPath, (tmp) => writeFile(tmp, 'data'));
    // the process died here: temp file written and fsynced, never renamed
    expect(await recoverStagedFile(staged.tmpPath, finalPath)).toBe(true);
    expect(await readFile(finalPath, 'utf8')).toBe('data');
    expect(await recoverStagedFile(staged.tmpPath, finalPath)).toBe(true); // already visible
    expect(await recoverStagedFile(join(dir, '.gone.0123456789abcdef.tmp'), join(dir, 'gone.parquet'))).toBe(false);
  });

  it('keeps a staged file invisible to *.parquet readers until commit', async () => {
    const finalPath = join(dir, 'nested', 'part.parquet');
    const staged = await stage(finalPath, (tmp) => writeFile(tmp, 'hello'));
    expect(staged.tmpPath.startsWith(join(dir, 'nested', '.'))).toBe(true);
    expect(staged.tmpPath.endsWith('.tmp')).toBe(true);
    expect(isTempFileName(basename(staged.tmpPath))).toBe(true);
    expect(await parquetGlob(join(dir, 'nested'))).toEqual([]);
    expect(staged).toMatchObject({ finalPath, sha256: sha('hello'), bytes: 5 });

    await staged.commit();
    expect(await parquetGlob(join(dir, 'nested'))).toEqual(['part.parquet']);
    expect(await readdir(join(dir, 'nested'))).toEqual(['part.parquet']); // temp name gone
    expect(await readFile(finalPath, 'utf8')).toBe('hello');
    await staged.commit(); // idempotent
    await staged.discard(); // no-op after commit
    expect(await readFile(finalPath, 'utf8')).toBe('hello');
  });

  it('discard removes the temp file and refuses a later commit', async () => {
    const staged = await stage(join(dir, 'a.parquet'), (tmp) => writeFile(tmp, 'x'));
    await staged.discard();
    expect(await readdir(dir)).toEqual([]);
    await expect(staged.commit()).rejects.toMatchObject({ code: 'WRITE_FAILED' });
  });

  it('await using discards an uncommitted file', async () => {
    {
      await using staged = await stage(join(dir, 'a.parquet'), (tmp) => writeFile(tmp, 'x'));
      expect(staged.bytes).toBe(1);
    }
    expect(await readdir(dir)).toEqual([]);
  });

  it('never replaces a different file, but accepts the same bytes again (retry after a crash)', async () => {
    const finalPath = join(dir, 'a.parquet');
    await (await stage(finalPath, (tmp) => writeFile(tmp, 'one'))).commit();

    const same = await stage(finalPath, (tmp) => writeFile(tmp, 'one'));
    await same.commit();
    expect(await readdir(dir)).toEqual(['a.parquet']);

    const different = await stage(finalPath, (tmp) => writeFile(tmp, 'two'));
    await expect(different.commit()).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
      retriable: false,
      context: { path: finalPath, expected: sha('two'), actual: sha('one') },
    });
    await different.discard();
    expect(await readFile(finalPath, 'utf8')).toBe('one');

    const replacing = await stage(finalPath, (tmp) => writeFile(tmp, 'three'), { overwrite: true });
    await replacing.commit();
    expect(await readFile(finalPath, 'utf8')).toBe('three');
    expect(await readdir(dir)).toEqual(['a.parquet']);
  });

  it('removes the temp file when the writer fails, and says whether to retry', async () => {
    const diskFull = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const failing = stage(join(dir, 'a.parquet'), async (tmp) => {
      await writeFile(tmp, 'partial');
      throw diskFull;
    });
    await expect(failing).rejects.toMatchObject({ code: 'WRITE_FAILED', retriable: true, context: { errno: 'ENOSPC' } });
    expect(await readdir(dir)).toEqual([]);
  });

  it('fails with WRITE_FAILED when the writer produced no file', async () => {
    await expect(stage(join(dir, 'a.parquet'), async () => undefined)).rejects.toMatchObject({
      code: 'WRITE_FAILED',
      context: { errno: 'ENOENT' },
    });
  });

  it('passes a ParquetIoError from the writer through unchanged', async () => {
    const own = new ParquetIoError('QUERY_FAILED', 'bad sql');
    await expect(stage(join(dir, 'a.parquet'), () => Promise.reject(own))).rejects.toBe(own);
  });

  it('sweeps temp files left by a crashed writer, and only stale ones', async () => {
    // crash simulation: staged, never committed nor discarded (the process died)
    const crashed = await stage(join(dir, 'raw', 'date=2025-05-04', 'a.parquet'), (tmp) => writeFile(tmp, 'x'));
    const fresh = await stage(join(dir, 'raw', 'b.parquet'), (tmp) => writeFile(tmp, 'y'));
    await mkdir(join(dir, 'raw', 'keep'), { recursive: true });
    await writeFile(join(dir, 'raw', 'keep', '.notes.tmp'), 'not ours'); // wrong shape: kept
    const anHourAgo = new Date(Date.now() - 2 * 3_600_000);
    await utimes(crashed.tmpPath, anHourAgo, anHourAgo);

    expect(await sweepStaleTempFiles(dir)).toEqual([crashed.tmpPath]);
    expect(await sweepStaleTempFiles(dir, { olderThanMs: 0 })).toEqual([fresh.tmpPath]);
    expect(await readdir(join(dir, 'raw', 'keep'))).toEqual(['.notes.tmp']);
    expect(await sweepStaleTempFiles(join(dir, 'missing'))).toEqual([]);
  });

  it('hashes files by streaming', async () => {
    const content = 'x'.repeat(3 << 20);
    await writeFile(join(dir, 'big'), content);
    await expect(sha256File(join(dir, 'big'))).resolves.toBe(sha(content));
    await expect(digestFile(join(dir, 'big'))).resolves.toEqual({ sha256: sha(content), bytes: 3 << 20 });
    await expect(sha256File(join(dir, 'nope'))).rejects.toMatchObject({ code: 'FILE_MISSING' });
  });
});
