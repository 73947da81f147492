import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { link, mkdir, open, readdir, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { errnoOf } from '@fluxo/schema';
import { ParquetIoError } from './errors';

/**
 * A file written to a temp name next to its final path, fsynced and hashed, not yet visible under
 * its final name. `commit()` publishes it atomically; `discard()` removes it. Disposing an
 * uncommitted file discards it, so `await using staged = await stage(…)` never leaks temp files.
 */
export interface StagedFile extends AsyncDisposable {
  readonly finalPath: string;
  readonly tmpPath: string;
  readonly sha256: string;
  readonly bytes: number;
  /**
   * Publishes the file under `finalPath` and fsyncs the directory. Never replaces a different file:
   * if `finalPath` already holds the same bytes (a retry after a crash) the commit is a no-op,
   * otherwise it fails with `ALREADY_EXISTS` unless the file was staged with `overwrite: true`.
   */
  commit(): Promise<void>;
  /** Removes the temp file. A no-op after `commit()` or a previous `discard()`. */
  discard(): Promise<void>;
}

export interface StageOptions {
  /** Replace an existing, different file at `finalPath` on commit (rename semantics). Default false. */
  readonly overwrite?: boolean;
}

/** Temp names: `.<final name>.<16 hex>.tmp` — hidden, and never matched by `*.parquet` globs. */
const TEMP_NAME = /^\..+\.[0-9a-f]{16}\.tmp$/;

function tempPathFor(finalPath: string): string {
  return join(dirname(finalPath), `.${basename(finalPath)}.${randomBytes(8).toString('hex')}.tmp`);
}

export function isTempFileName(name: string): boolean {
  return TEMP_NAME.test(name);
}

/**
 * Two-phase atomic write, phase one: creates the directory, lets `write` produce the temp file,
 * fsyncs it and hashes it. Any failure removes the temp file and surfaces as `WRITE_FAILED`
 * (retriable for ENOSPC, EIO…), unless `write` threw a `ParquetIoError` of its own.
 */
export async function stage(
  finalPath: string,
  write: (tmpPath: string) => Promise<void>,
  options: StageOptions = {},
): Promise<StagedFile> {
  const directory = dirname(finalPath);
  const tmpPath = tempPathFor(finalPath);
  try {
    await mkdir(directory, { recursive: true });
    await write(tmpPath);
    await fsyncPath(tmpPath, 'r+');
    const { sha256, bytes } = await digestFile(tmpPath);
    return new Staged(finalPath, tmpPath, sha256, bytes, options.overwrite ?? false);
  } catch (error) {
    await rm(tmpPath, { force: true }).catch(() => undefined);
    throw ParquetIoError.fromSystemError('WRITE_FAILED', `could not stage ${finalPath}`, error, { path: finalPath });
  }
}

class Staged implements StagedFile {
  private state: 'staged' | 'committed' | 'discarded' = 'staged';

  constructor(
    readonly finalPath: string,
    readonly tmpPath: string,
    readonly sha256: string,
    readonly bytes: number,
    private readonly overwrite: boolean,
  ) {}

  async commit(): Promise<void> {
    if (this.state === 'committed') return;
    if (this.state === 'discarded') {
      throw new ParquetIoError('WRITE_FAILED', 'cannot commit a discarded file', { context: { path: this.finalPath } });
    }
    try {
      if (this.overwrite) {
        await rename(this.tmpPath, this.finalPath);
      } else {
        await this.linkWithoutClobbering();
      }
      await fsyncPath(dirname(this.finalPath), 'r');
      this.state = 'committed';
    } catch (error) {
      throw ParquetIoError.fromSystemError('WRITE_FAILED', `could not commit ${this.finalPath}`, error, {
        path: this.finalPath,
      });
    }
  }

  async discard(): Promise<void> {
    if (this.state !== 'staged') return;
    this.state = 'discarded';
    await rm(this.tmpPath, { force: true });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.discard();
  }

  /** link(2) fails with EEXIST instead of replacing: atomic publish without clobbering. */
  private async linkWithoutClobbering(): Promise<void> {
    try {
      await link(this.tmpPath, this.finalPath);
    } catch (error) {
      if (errnoOf(error) !== 'EEXIST') throw error;
      const existing = await digestFile(this.finalPath);
      if (existing.sha256 !== this.sha256) {
        throw new ParquetIoError('ALREADY_EXISTS', `${this.finalPath} already exists with different content`, {
          context: { path: this.finalPath, expected: this.sha256, actual: existing.sha256 },
        });
      }
    }
    await unlink(this.tmpPath);
  }
}

/** Streaming sha256 (lowercase hex) and byte count of a file. ENOENT → `FILE_MISSING`. */
export async function digestFile(path: string): Promise<{ readonly sha256: string; readonly bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
      const buffer = chunk as Buffer;
      bytes += buffer.length;
      hash.update(buffer);
    }
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') {
      throw new ParquetIoError('FILE_MISSING', `${path} does not exist`, { cause: error, context: { path } });
    }
    throw ParquetIoError.fromSystemError('READ_FAILED', `could not hash ${path}`, error, { path });
  }
  return { sha256: hash.digest('hex'), bytes };
}

/** Streaming sha256 of a file, lowercase hex. */
export async function sha256File(path: string): Promise<string> {
  return (await digestFile(path)).sha256;
}

export interface SweepOptions {
  /** Only remove temp files whose mtime is older than this; default one hour, so in-flight writes survive. */
  readonly olderThanMs?: number;
  /** Reference time for `olderThanMs`; default now. */
  readonly now?: Date;
}

/**
 * Removes temp files left behind by crashed writers (`.<name>.<hex>.tmp`), walking `dir`
 * recursively without following symlinks. Returns the removed paths. A missing `dir` is empty.
 */
export async function sweepStaleTempFiles(dir: string, options: SweepOptions = {}): Promise<string[]> {
  const cutoff = (options.now ?? new Date()).getTime() - (options.olderThanMs ?? 3_600_000);
  const removed: string[] = [];
  const walk = async (current: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(current, { withFileTypes: true });
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') return;
      throw ParquetIoError.fromSystemError('READ_FAILED', `could not list ${current}`, error, { path: current });
    }
    for (const entry of entries) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) {
        await walk(path);
      } else if (entry.isFile() && isTempFileName(entry.name)) {
        const info = await stat(path).catch(() => undefined);
        if (info !== undefined && info.mtimeMs <= cutoff) {
          await rm(path, { force: true });
          removed.push(path);
        }
      }
    }
  };
  await walk(dir);
  return removed;
}

/** fsync a file (`r+`) or a directory (`r`). Directories that cannot be fsynced (some platforms) are skipped. */
async function fsyncPath(path: string, flags: 'r' | 'r+'): Promise<void> {
  const handle = await open(path, flags);
  try {
    await handle.sync();
  } catch (error) {
    const errno = errnoOf(error);
    if (!(flags === 'r' && (errno === 'EINVAL' || errno === 'EISDIR' || errno === 'EPERM'))) throw error;
  } finally {
    await handle.close();
  }
}

/**
 * Replaces `path` with `contents` atomically (temp file, fsync, rename, directory fsync): a crash
 * leaves the old file or the new one, never half of one. For small state files (JSON checkpoints).
 */
export async function writeFileAtomically(path: string, contents: string | Buffer): Promise<void> {
  const staged = await stage(path, (tmpPath) => writeFile(tmpPath, contents), { overwrite: true });
  await staged.commit();
}

/**
 * Finishes a commit a crash interrupted: true when `finalPath` exists or the staged temp file could
 * be renamed to it; false when neither exists (the write never completed).
 */
export async function recoverStagedFile(tmpPath: string, finalPath: string): Promise<boolean> {
  if (await exists(finalPath)) return true;
  if (!(await exists(tmpPath))) return false;
  await rename(tmpPath, finalPath);
  await fsyncPath(dirname(finalPath), 'r');
  return true;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return false;
    throw error;
  }
}

/**
 * The crash-safe file operations a producer's outbox is given (libs/producer's `DurableFiles`
 * port): whole-or-nothing writes, finishing an interrupted commit, re-hashing before re-announcing.
 */
export const durableFiles = {
  writeAtomically: writeFileAtomically,
  makeVisible: recoverStagedFile,
  sha256Of: sha256File,
} as const;
