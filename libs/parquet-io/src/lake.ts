import { createHash } from 'node:crypto';
import { constants, type BigIntStats } from 'node:fs';
import { lstat, mkdir, open, readdir, realpath, type FileHandle } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve as resolvePath, sep } from 'node:path';
import { errnoOf, LAKE_URI_PATTERN } from '@fluxo/schema';
import { isTempFileName, sweepStaleTempFiles, type SweepOptions } from './atomic-file';
import { ParquetIoError } from './errors';
import { checkName, checkStem, curatedFileUri, LAKE_ZONES, rawFileUri, utcDate } from './lake-names';

/** Where a file lives: its absolute path and its lake-relative POSIX URI (what Kafka carries). */
export interface LakeLocation {
  readonly path: string;
  readonly uri: string;
}

/** What a claim-check reference promises about a file. */
export interface FileExpectation {
  readonly uri: string;
  readonly sha256: string;
  readonly bytes: number;
}

export type QuarantineExtension = 'json' | 'parquet';

/** A lake file whose size and sha256 matched its reference, pinned to the inode that was hashed. */
export interface VerifiedFile {
  readonly uri: string;
  /** Absolute path (in-lake symlinks resolved): what a reader opens. */
  readonly path: string;
  /**
   * Throws the retriable `FILE_CHANGED` when `path` no longer leads to the very inode that was
   * hashed, unmodified: another device or inode, size, mtime, ctime or link count. ctime moves on
   * every rename, link, write or chmod of the inode and cannot be set back by anyone, so a file
   * swapped for the read and swapped back is seen too. Call it right after the read it guards.
   */
  assertUnchanged(): Promise<void>;
}

/** Quarantine may also hold the JSON of records that never made it into Parquet. */
const QUARANTINE_JSON_URI = /^quarantine\/(?!.*(?:^|\/)\.{1,2}(?:\/|$))[A-Za-z0-9._=/-]+\.json$/;

/**
 * The local data lake: a root directory holding three zones.
 *
 * - `raw/<source>/date=<YYYY-MM-DD of fetch, UTC>/<stem>.parquet`
 * - `curated/<dataset>/event_date=<YYYY-MM-DD>/<stem>.parquet`
 * - `quarantine/<stage>/date=<YYYY-MM-DD, UTC>/<stem>.<json|parquet>`
 *
 * Every path handed out or accepted is confined to the root: URIs are validated before they touch
 * the file system, and `resolve` follows symlinks to make sure they do not lead outside.
 */
export class Lake {
  private constructor(readonly root: string) {}

  /** Creates the root if needed; `root` is its realpath (symlinks resolved). */
  static async open(rootDir: string): Promise<Lake> {
    try {
      await mkdir(rootDir, { recursive: true });
      return new Lake(await realpath(rootDir));
    } catch (error) {
      throw ParquetIoError.fromSystemError('WRITE_FAILED', `could not open lake at ${rootDir}`, error, { path: rootDir });
    }
  }

  rawPath(source: string, fetchedAt: Date, stem: string): LakeLocation {
    return this.location(rawFileUri(source, fetchedAt, stem));
  }

  curatedPath(dataset: string, eventDate: string, stem: string): LakeLocation {
    return this.location(curatedFileUri(dataset, eventDate, stem));
  }

  quarantinePath(stage: string, at: Date, stem: string, ext: QuarantineExtension): LakeLocation {
    if (ext !== 'json' && ext !== 'parquet') {
      throw new ParquetIoError('INVALID_ARGUMENT', 'quarantine extension must be json or parquet', {
        context: { field: 'ext', actual: ext },
      });
    }
    const date = utcDate('at', at);
    return this.location(`quarantine/${checkName('stage', stage)}/date=${date}/${checkStem(stem)}.${ext}`);
  }

  /** The URI of an absolute path inside the lake (lexical check; `resolve` is the one that follows symlinks). */
  toUri(absPath: string): string {
    const rel = relative(this.root, resolvePath(absPath));
    if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
      throw new ParquetIoError('URI_OUTSIDE_LAKE', 'path is outside the lake', { context: { path: absPath } });
    }
    const uri = rel.split(sep).join('/');
    checkUriSyntax(uri);
    return uri;
  }

  /**
   * The absolute path of a lake URI, refusing anything that could leave the root: absolute paths,
   * `..`, backslashes, NUL, URIs outside the known zones, and symlinks whose target is outside
   * (the deepest existing ancestor is realpath'd and compared with the root). The file itself
   * need not exist. Returned path has in-lake symlinks resolved.
   *
   * Also refused, with `LINK_REFUSED`: a dangling symlink anywhere on the way (a writer would create
   * its target, wherever it points), and an existing file with more than one hard link — another
   * name of the same inode may sit outside the lake, and writing through one name changes the
   * other. The one accepted second link is the file's own temp name beside it
   * (`.<name>.<hex>.tmp`): a writer killed between the link and the unlink of its commit.
   */
  async resolve(uri: string): Promise<string> {
    checkUriSyntax(uri);
    const lexical = join(this.root, ...uri.split('/'));
    const real = await this.realpathOfDeepestAncestor(lexical, uri);
    if (real !== this.root && !real.startsWith(this.root + sep)) {
      throw new ParquetIoError('URI_OUTSIDE_LAKE', 'URI leads outside the lake through a symlink', {
        context: { uri, path: real },
      });
    }
    const info = await lstat(real, { bigint: true }).catch((error: unknown) => {
      if (errnoOf(error) === 'ENOENT' || errnoOf(error) === 'ENOTDIR') return null;
      throw ParquetIoError.fromSystemError('READ_FAILED', `could not stat ${uri}`, error, { uri });
    });
    if (info !== null && info.isFile() && info.nlink > 1n) await this.assertOwnLinksOnly(real, info, uri);
    return real;
  }

  /**
   * Checks a file against its claim-check reference and returns its absolute path: it exists, its
   * size equals `bytes` (cheap, checked first), its sha256 equals `sha256`.
   */
  async verify(expected: FileExpectation): Promise<string> {
    return (await this.verifyFile(expected)).path;
  }

  /**
   * `verify`, pinned: the file is opened once (never through a symlink), size and sha256 are
   * checked on that open file, and its identity (device, inode, size, mtime, ctime, links) is kept,
   * so `assertUnchanged()` after the real read can tell whether the path still leads to exactly
   * the bytes verified. Closes the verify-then-reopen window: see docs/security.md.
   */
  async verifyFile(expected: FileExpectation): Promise<VerifiedFile> {
    const { uri } = expected;
    const path = await this.resolve(uri);
    let handle: FileHandle;
    try {
      handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch (error) {
      const errno = errnoOf(error);
      if (errno === 'ENOENT' || errno === 'EISDIR') {
        throw new ParquetIoError('FILE_MISSING', `${uri} does not exist in the lake`, { cause: error, context: { uri, path } });
      }
      if (errno === 'ELOOP') {
        throw new ParquetIoError('LINK_REFUSED', `${uri} became a symlink while it was being verified`, { cause: error, context: { uri, path } });
      }
      throw ParquetIoError.fromSystemError('READ_FAILED', `could not open ${uri}`, error, { uri, path });
    }
    let identity: BigIntStats;
    try {
      identity = await handle.stat({ bigint: true });
      if (!identity.isFile()) throw new ParquetIoError('FILE_MISSING', `${uri} is not a regular file`, { context: { uri, path } });
      if (identity.nlink > 1n) await this.assertOwnLinksOnly(path, identity, uri);
      const size = Number(identity.size);
      if (size !== expected.bytes) {
        throw new ParquetIoError('SIZE_MISMATCH', `${uri} has ${size} bytes, expected ${expected.bytes}`, {
          context: { uri, path, expected: expected.bytes, actual: size },
        });
      }
      const sha256 = await hashOpenFile(handle, uri, path);
      if (!sameFile(identity, await handle.stat({ bigint: true }))) {
        throw new ParquetIoError('FILE_CHANGED', `${uri} changed while it was being hashed`, { retriable: true, context: { uri, path } });
      }
      if (sha256 !== expected.sha256) {
        throw new ParquetIoError('CHECKSUM_MISMATCH', `${uri} sha256 differs from its reference`, {
          context: { uri, path, expected: expected.sha256, actual: sha256 },
        });
      }
    } catch (error) {
      if (error instanceof ParquetIoError) throw error;
      throw ParquetIoError.fromSystemError('READ_FAILED', `could not read ${uri}`, error, { uri, path });
    } finally {
      await handle.close();
    }
    const verified = identity;
    return {
      uri,
      path,
      assertUnchanged: async () => {
        const now = await lstat(path, { bigint: true }).catch(() => null);
        if (now === null || !sameFile(verified, now)) {
          throw new ParquetIoError('FILE_CHANGED', `${uri} was replaced or modified after it was verified`, { retriable: true, context: { uri, path } });
        }
      },
    };
  }

  /**
   * Removes temp files of crashed writers (see `sweepStaleTempFiles`) below the raw folders of the
   * given sources — what one producer writes — so the walk costs that producer's retained files,
   * not the whole lake. Without `sources`, the whole lake.
   */
  async sweepStaleTempFiles(options: SweepOptions & { readonly sources?: readonly string[] } = {}): Promise<string[]> {
    if (options.sources === undefined) return sweepStaleTempFiles(this.root, options);
    const removed: string[] = [];
    for (const source of options.sources) removed.push(...(await sweepStaleTempFiles(join(this.root, 'raw', checkName('source', source)), options)));
    return removed;
  }

  private location(uri: string): LakeLocation {
    return { uri, path: join(this.root, ...uri.split('/')) };
  }

  /** A file with nlink > 1: accepted only when the other name is its own writer's temp file beside it. */
  private async assertOwnLinksOnly(path: string, info: BigIntStats, uri: string): Promise<void> {
    if (info.nlink === 2n) {
      const name = basename(path);
      const directory = dirname(path);
      const siblings = await readdir(directory).catch(() => [] as string[]);
      for (const sibling of siblings) {
        if (!sibling.startsWith(`.${name}.`) || !isTempFileName(sibling)) continue;
        const other = await lstat(join(directory, sibling), { bigint: true }).catch(() => null);
        if (other !== null && other.ino === info.ino && other.dev === info.dev) return;
      }
    }
    throw new ParquetIoError('LINK_REFUSED', `${uri} has ${info.nlink} hard links: another name of the same file may be outside the lake`, {
      context: { uri, path, actual: Number(info.nlink) },
    });
  }

  private async realpathOfDeepestAncestor(lexical: string, uri: string): Promise<string> {
    let existing = lexical;
    const tail: string[] = [];
    for (;;) {
      try {
        const real = await realpath(existing);
        return tail.length === 0 ? real : join(real, ...tail.reverse());
      } catch (error) {
        const errno = errnoOf(error);
        if (errno !== 'ENOENT' && errno !== 'ENOTDIR') {
          throw ParquetIoError.fromSystemError('READ_FAILED', `could not resolve ${uri}`, error, { uri });
        }
        if ((await lstat(existing).catch(() => null))?.isSymbolicLink() === true) {
          throw new ParquetIoError('LINK_REFUSED', `${uri} goes through a dangling symlink`, { context: { uri, path: existing } });
        }
        const parent = dirname(existing);
        if (parent === existing) return lexical;
        tail.push(basename(existing));
        existing = parent;
      }
    }
  }
}

/** Syntax of a lake URI, before it touches the file system. */
export function checkUriSyntax(uri: string): void {
  if (typeof uri !== 'string' || uri.length === 0 || uri.length > 1024) {
    throw new ParquetIoError('INVALID_URI', 'a lake URI must be a non-empty string of at most 1024 characters', {
      context: { uri },
    });
  }
  if (uri.startsWith('s3://')) {
    throw new ParquetIoError('URI_OUTSIDE_LAKE', 'an s3:// object URL is outside this local lake', { context: { uri } });
  }
  if (uri.includes('\0') || uri.includes('\\')) {
    throw new ParquetIoError('INVALID_URI', 'a lake URI must not contain NUL or backslashes', { context: { uri } });
  }
  if (uri.startsWith('/') || /^[A-Za-z]:/.test(uri) || uri.split('/').includes('..')) {
    throw new ParquetIoError('URI_OUTSIDE_LAKE', 'a lake URI must be relative and must not contain `..`', {
      context: { uri },
    });
  }
  const zone = uri.slice(0, uri.indexOf('/'));
  const known = (LAKE_ZONES as readonly string[]).includes(zone);
  if (!known || !(LAKE_URI_PATTERN.test(uri) || QUARANTINE_JSON_URI.test(uri))) {
    throw new ParquetIoError('INVALID_URI', `not a lake URI (zones: ${LAKE_ZONES.join(', ')}; *.parquet, or *.json in quarantine)`, {
      context: { uri },
    });
  }
}

/** Streaming sha256 of an open file, from its first byte. */
async function hashOpenFile(handle: FileHandle, uri: string, path: string): Promise<string> {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(1 << 20);
  let position = 0;
  try {
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      position += bytesRead;
    }
  } catch (error) {
    throw ParquetIoError.fromSystemError('READ_FAILED', `could not hash ${uri}`, error, { uri, path });
  }
  return hash.digest('hex');
}

/** Same inode, unmodified: device, inode, size, mtime, ctime and link count all equal. */
function sameFile(a: BigIntStats, b: BigIntStats): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs && a.nlink === b.nlink && b.isFile();
}
