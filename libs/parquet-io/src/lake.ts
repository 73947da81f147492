import { mkdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve as resolvePath, sep } from 'node:path';
import { LAKE_URI_PATTERN } from '@fluxo/schema';
import { digestFile, sweepStaleTempFiles, type SweepOptions } from './atomic-file';
import { errnoOf, ParquetIoError } from './errors';
import { checkIsoDate, checkName, checkStem, LAKE_ZONES, utcDate } from './lake-names';

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
    const date = utcDate('fetchedAt', fetchedAt);
    return this.location(`raw/${checkName('source', source)}/date=${date}/${checkStem(stem)}.parquet`);
  }

  curatedPath(dataset: string, eventDate: string, stem: string): LakeLocation {
    const date = checkIsoDate('eventDate', eventDate);
    return this.location(`curated/${checkName('dataset', dataset)}/event_date=${date}/${checkStem(stem)}.parquet`);
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
    return real;
  }

  /**
   * Checks a file against its claim-check reference and returns its absolute path: it exists, its
   * size equals `bytes` (cheap, checked first), its sha256 equals `sha256`.
   */
  async verify(expected: FileExpectation): Promise<string> {
    const path = await this.resolve(expected.uri);
    let size: number;
    try {
      const info = await stat(path);
      if (!info.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'ENOENT' });
      size = info.size;
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') {
        throw new ParquetIoError('FILE_MISSING', `${expected.uri} does not exist in the lake`, {
          cause: error,
          context: { uri: expected.uri, path },
        });
      }
      throw ParquetIoError.fromSystemError('READ_FAILED', `could not stat ${expected.uri}`, error, { uri: expected.uri, path });
    }
    if (size !== expected.bytes) {
      throw new ParquetIoError('SIZE_MISMATCH', `${expected.uri} has ${size} bytes, expected ${expected.bytes}`, {
        context: { uri: expected.uri, path, expected: expected.bytes, actual: size },
      });
    }
    const { sha256 } = await digestFile(path);
    if (sha256 !== expected.sha256) {
      throw new ParquetIoError('CHECKSUM_MISMATCH', `${expected.uri} sha256 differs from its reference`, {
        context: { uri: expected.uri, path, expected: expected.sha256, actual: sha256 },
      });
    }
    return path;
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
        const parent = dirname(existing);
        if (parent === existing) return lexical;
        tail.push(basename(existing));
        existing = parent;
      }
    }
  }
}

/** Syntax of a lake URI, before it touches the file system. */
function checkUriSyntax(uri: string): void {
  if (typeof uri !== 'string' || uri.length === 0 || uri.length > 1024) {
    throw new ParquetIoError('INVALID_URI', 'a lake URI must be a non-empty string of at most 1024 characters', {
      context: { uri },
    });
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
