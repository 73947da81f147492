import type { S3LakeStorage } from '@fluxo/schema';
import type { ParquetEngine } from './engine';
import { ParquetIoError } from './errors';
import { checkUriSyntax, type FileExpectation, type LakeLocation, type VerifiedFile } from './lake';
import { curatedFileUri, rawFileUri } from './lake-names';
import { sqlFilePath, sqlString } from './sql';

/** Name of the DuckDB secret holding the lake's credentials (one per engine, scoped to the lake root). */
const SECRET_NAME = 'fluxo_lake_s3';

/**
 * The lake's raw and curated zones on S3-compatible storage, under `s3://<bucket>/<prefix>/`, read
 * and written by DuckDB's httpfs (the engine must have loaded `httpfs`). Same layout and URI rules
 * as the local `Lake`; what the local lake gets from the file system it gets from the object store:
 *
 * - atomic publication: an object appears whole or not at all (a PUT, or a multipart upload's
 *   completion), so there is no temp name and rename;
 * - confinement: a lake URI is a relative key without `..` or backslashes, and an absolute
 *   `s3://` URI is accepted only under this lake's root (`URI_OUTSIDE_LAKE` otherwise); there are
 *   no symlinks or hard links on an object store. The engine's sandbox lists the root as its only
 *   remote directory, and the credentials are a secret scoped to that root;
 * - verification: size and SHA-256 of the object itself, read through the engine.
 */
export class S3Lake {
  private constructor(
    /** `s3://bucket[/prefix]`, no trailing slash. */
    readonly root: string,
    private readonly engine: ParquetEngine,
  ) {}

  /** Registers the credentials with the engine as a secret scoped to the root (never logged). */
  static async open(engine: ParquetEngine, storage: S3LakeStorage): Promise<S3Lake> {
    const options = [
      'TYPE s3',
      `KEY_ID ${sqlString(storage.accessKeyId)}`,
      `SECRET ${sqlString(storage.secretAccessKey)}`,
      ...(storage.sessionToken === undefined ? [] : [`SESSION_TOKEN ${sqlString(storage.sessionToken)}`]),
      `REGION ${sqlString(storage.region)}`,
      ...(storage.endpoint === undefined ? [] : [`ENDPOINT ${sqlString(storage.endpoint)}`]),
      `URL_STYLE ${sqlString(storage.urlStyle)}`,
      `USE_SSL ${storage.useSsl ? 'true' : 'false'}`,
      `SCOPE ${sqlString(`${storage.root}/`)}`,
    ];
    // The statement holds the credentials: the label (what the engine logs and puts in errors) does not.
    await engine.withConnection(`CREATE OR REPLACE SECRET ${SECRET_NAME} (TYPE s3, SCOPE '${storage.root}/', …)`, async (connection) => {
      await connection.run(`CREATE OR REPLACE SECRET ${SECRET_NAME} (${options.join(', ')})`);
    });
    return new S3Lake(storage.root, engine);
  }

  /** `s3://bucket/prefix/`: what the engine's sandbox allows besides local directories. */
  get sandboxPrefix(): string {
    return `${this.root}/`;
  }

  /** DuckLake's DATA_PATH: `s3://bucket/prefix/curated/`. */
  get curatedDataPath(): string {
    return S3Lake.curatedDataPathOf(this.root);
  }

  /** The curated zone's DATA_PATH under an `s3://` lake root (for readers that attach before opening the lake). */
  static curatedDataPathOf(root: string): string {
    return `${root}/curated/`;
  }

  /** Where a raw file goes: `uri` is the object's absolute `s3://` URI (what references carry), `path` the same. */
  rawPath(source: string, fetchedAt: Date, stem: string): LakeLocation {
    return this.location(rawFileUri(source, fetchedAt, stem));
  }

  curatedPath(dataset: string, eventDate: string, stem: string): LakeLocation {
    return this.location(curatedFileUri(dataset, eventDate, stem));
  }

  /**
   * The object URL of a lake URI — relative (`raw/…`) or an absolute `s3://` URI — refusing anything
   * outside this lake's root (another bucket, another prefix, `..`) and anything that is not a lake
   * URI. Nothing is read.
   */
  resolve(uri: string): string {
    return `${this.root}/${this.toUri(uri)}`;
  }

  /** The lake-relative URI of a lake URI or an object URL inside the root (the key-prefix check). */
  toUri(uriOrUrl: string): string {
    return lakeUriUnder(this.root, uriOrUrl);
  }

  /**
   * Checks an object against its claim-check reference: it exists, its size equals `bytes`, its
   * SHA-256 equals `sha256` (the whole object is read through the engine). `assertUnchanged()`
   * compares size and last-modified time again after the real read: an object overwritten in
   * between fails with the retriable `FILE_CHANGED`.
   */
  async verifyFile(expected: FileExpectation): Promise<VerifiedFile> {
    const url = this.resolve(expected.uri);
    const stat = await this.stat(url, expected.uri);
    if (stat.size !== expected.bytes) {
      throw new ParquetIoError('SIZE_MISMATCH', `${expected.uri} has ${stat.size} bytes, expected ${expected.bytes}`, {
        context: { uri: expected.uri, path: url, expected: expected.bytes, actual: stat.size },
      });
    }
    const { sha256 } = await this.factsOf(url, expected.uri);
    if (sha256 !== expected.sha256) {
      throw new ParquetIoError('CHECKSUM_MISMATCH', `${expected.uri} sha256 differs from its reference`, {
        context: { uri: expected.uri, path: url, expected: expected.sha256, actual: sha256 },
      });
    }
    return {
      uri: expected.uri,
      path: url,
      assertUnchanged: async () => {
        const now = await this.stat(url, expected.uri).catch(() => null);
        if (now === null || now.size !== stat.size || now.lastModified !== stat.lastModified) {
          throw new ParquetIoError('FILE_CHANGED', `${expected.uri} was replaced or removed after it was verified`, { retriable: true, context: { uri: expected.uri, path: url } });
        }
      },
    };
  }

  /** Size and last-modified time of an object (its content is not read). */
  async stat(url: string, uri: string): Promise<{ size: number; lastModified: string }> {
    const rows = await this.read<{ size: number; last_modified: string }>(`SELECT size, last_modified::VARCHAR AS last_modified FROM read_blob(${sqlFilePath(url)})`, uri, url);
    const row = rows[0];
    if (row === undefined) throw new ParquetIoError('FILE_MISSING', `${uri} does not exist in the lake`, { context: { uri, path: url } });
    return { size: Number(row.size), lastModified: row.last_modified };
  }

  /** True when the object exists. */
  async exists(url: string, uri: string): Promise<boolean> {
    try {
      await this.stat(url, uri);
      return true;
    } catch (error) {
      if (error instanceof ParquetIoError && error.code === 'FILE_MISSING') return false;
      throw error;
    }
  }

  /** Size and SHA-256 of an object's bytes as stored (the whole object is read through the engine). */
  async factsOf(url: string, uri: string): Promise<{ bytes: number; sha256: string }> {
    const [facts] = await this.read<{ bytes: number; sha256: string }>(`SELECT size AS bytes, sha256(content) AS sha256 FROM read_blob(${sqlFilePath(url)})`, uri, url);
    if (facts === undefined) throw new ParquetIoError('FILE_MISSING', `${uri} does not exist in the lake`, { context: { uri, path: url } });
    return { bytes: Number(facts.bytes), sha256: facts.sha256 };
  }

  private async read<T extends object>(sql: string, uri: string, url: string): Promise<T[]> {
    try {
      return await this.engine.all<T>(sql);
    } catch (error) {
      if (error instanceof ParquetIoError && /No files found|HTTP 404|Not Found|does not exist/i.test(error.message)) {
        throw new ParquetIoError('FILE_MISSING', `${uri} does not exist in the lake`, { cause: error, context: { uri, path: url } });
      }
      if (error instanceof ParquetIoError && error.code === 'ACCESS_DENIED') throw error;
      throw new ParquetIoError('READ_FAILED', `could not read ${uri}: ${error instanceof Error ? error.message.split('\n', 1)[0] : String(error)}`, {
        cause: error,
        retriable: true,
        context: { uri, path: url },
      });
    }
  }

  private location(uri: string): LakeLocation {
    const url = `${this.root}/${uri}`;
    return { uri: url, path: url };
  }
}

/**
 * The lake-relative URI of a lake URI or an object URL under `root` (`s3://bucket[/prefix]`):
 * `URI_OUTSIDE_LAKE` for another bucket or prefix, `INVALID_URI`/`URI_OUTSIDE_LAKE` for anything
 * that is not a lake URI (`..`, backslashes, unknown zones). The one confinement rule of an S3 lake.
 */
export function lakeUriUnder(root: string, uriOrUrl: string): string {
  let relative = uriOrUrl;
  if (typeof uriOrUrl === 'string' && uriOrUrl.startsWith('s3://')) {
    if (!uriOrUrl.startsWith(`${root}/`)) {
      throw new ParquetIoError('URI_OUTSIDE_LAKE', `object URL is outside the lake ${root}`, { context: { uri: uriOrUrl } });
    }
    relative = uriOrUrl.slice(root.length + 1);
  }
  checkUriSyntax(relative);
  return relative;
}
