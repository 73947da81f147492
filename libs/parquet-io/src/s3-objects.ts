import { DeleteObjectsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { S3LakeStorage } from '@fluxo/schema';
import { ParquetIoError } from './errors';
import { lakeUriUnder } from './s3-lake';

/** Keys per `DeleteObjects` request: the S3 API's limit. */
export const DELETE_BATCH_KEYS = 1000;

/** What `S3LakeObjects` needs of an S3 client (the SDK's `S3Client`; a fake in unit specs). */
export type S3Sender = Pick<S3Client, 'send' | 'destroy'>;

/** Where the lake is in its bucket (`S3LakeStorage` fits). */
export interface S3LakePlace {
  /** `s3://bucket[/prefix]`, no trailing slash. */
  readonly root: string;
  readonly bucket: string;
  /** '' or `a/b` (no leading or trailing slash). */
  readonly prefix: string;
}

export interface S3DeleteFailure {
  readonly uri: string;
  /** The S3 error code of that key (`AccessDenied`, `InternalError`…). */
  readonly code: string;
  readonly message: string;
}

export interface S3Deletion {
  /** Lake-relative URIs deleted (or already absent: S3 reports a missing key as deleted). */
  readonly deleted: string[];
  readonly failed: S3DeleteFailure[];
}

const FOLDER = /^[A-Za-z0-9._=-]+(?:\/[A-Za-z0-9._=-]+)*$/;

/**
 * Listing and deletion of an S3 lake's objects with the AWS SDK for JavaScript v3: DuckDB, which
 * does the lake's reads and writes, has no statement that deletes an object. Configured from the
 * same `S3LakeStorage` as the engine's secret (endpoint, region, URL style, credentials — never
 * logged). Every key it deletes is confined to the lake root by the rule `S3Lake` applies.
 */
export class S3LakeObjects implements AsyncDisposable {
  constructor(
    private readonly place: S3LakePlace,
    private readonly client: S3Sender,
  ) {}

  /** An SDK client for the lake's storage (no request is sent until a listing or a deletion). */
  static open(storage: S3LakeStorage): S3LakeObjects {
    const client = new S3Client({
      region: storage.region,
      ...(storage.endpoint === undefined ? {} : { endpoint: `${storage.useSsl ? 'https' : 'http'}://${storage.endpoint}` }),
      forcePathStyle: storage.urlStyle === 'path',
      credentials: { accessKeyId: storage.accessKeyId, secretAccessKey: storage.secretAccessKey, ...(storage.sessionToken === undefined ? {} : { sessionToken: storage.sessionToken }) },
      // Checksums only where the API requires one (DeleteObjects): S3-compatible servers vary in the optional ones.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    return new S3LakeObjects(storage, client);
  }

  get root(): string {
    return this.place.root;
  }

  /**
   * Names of the "folders" (common prefixes) directly under a lake folder (`raw`, `raw/usgs`), in
   * key order. `startsWith` narrows the listing to names with that beginning; `before` stops it at
   * the first name not below that bound, so what is listed is only what sorts before it.
   */
  async folders(dir: string, options: { readonly startsWith?: string; readonly before?: string } = {}): Promise<string[]> {
    const base = this.keyOf(checkFolder(dir)) + '/';
    const names: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.list(dir, { Prefix: base + (options.startsWith ?? ''), Delimiter: '/', ContinuationToken: token });
      for (const entry of page.CommonPrefixes ?? []) {
        const name = (entry.Prefix ?? '').slice(base.length).replace(/\/$/, '');
        if (options.before !== undefined && name >= options.before) return names;
        if (name !== '') names.push(name);
      }
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return names;
  }

  /** Lake-relative URIs of the objects directly in a lake folder that are lake URIs (anything else is skipped). */
  async files(dir: string): Promise<string[]> {
    const base = this.keyOf(checkFolder(dir)) + '/';
    const uris: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.list(dir, { Prefix: base, Delimiter: '/', ContinuationToken: token });
      for (const entry of page.Contents ?? []) {
        const uri = `${dir}/${(entry.Key ?? '').slice(base.length)}`;
        if (isLakeUri(this.place.root, uri)) uris.push(uri);
      }
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return uris;
  }

  /**
   * Deletes objects by lake URI (relative, or an `s3://` URL under the root), in `DeleteObjects`
   * requests of at most 1000 keys. Every URI is checked before any request: one outside the lake
   * fails the call with `URI_OUTSIDE_LAKE` (or `INVALID_URI`) and nothing is deleted. Keys the
   * server refuses are reported in `failed`, with its code; a request that fails as a whole throws
   * the retriable `DELETE_FAILED` (the batches before it are deleted).
   */
  async delete(uris: readonly string[]): Promise<S3Deletion> {
    const relative = uris.map((uri) => lakeUriUnder(this.place.root, uri));
    const result: S3Deletion = { deleted: [], failed: [] };
    for (let start = 0; start < relative.length; start += DELETE_BATCH_KEYS) {
      const batch = relative.slice(start, start + DELETE_BATCH_KEYS);
      const byKey = new Map(batch.map((uri) => [this.keyOf(uri), uri]));
      let errors;
      try {
        ({ Errors: errors } = await this.client.send(
          new DeleteObjectsCommand({ Bucket: this.place.bucket, Delete: { Objects: [...byKey.keys()].map((Key) => ({ Key })), Quiet: true } }),
        ));
      } catch (error) {
        throw new ParquetIoError('DELETE_FAILED', `could not delete ${batch.length} object(s) of ${this.place.root}: ${describe(error)}`, {
          cause: error,
          retriable: true,
          context: { uri: batch[0], s3Code: codeOf(error) },
        });
      }
      const failedKeys = new Set<string>();
      for (const failure of errors ?? []) {
        const uri = byKey.get(failure.Key ?? '');
        if (uri === undefined) continue;
        failedKeys.add(failure.Key ?? '');
        result.failed.push({ uri, code: failure.Code ?? 'Unknown', message: failure.Message ?? '' });
      }
      for (const [key, uri] of byKey) if (!failedKeys.has(key)) result.deleted.push(uri);
    }
    return result;
  }

  close(): Promise<void> {
    this.client.destroy();
    return Promise.resolve();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private keyOf(relative: string): string {
    return this.place.prefix === '' ? relative : `${this.place.prefix}/${relative}`;
  }

  private async list(dir: string, input: { Prefix: string; Delimiter: string; ContinuationToken: string | undefined }) {
    try {
      return await this.client.send(new ListObjectsV2Command({ Bucket: this.place.bucket, ...input }));
    } catch (error) {
      throw new ParquetIoError('LIST_FAILED', `could not list ${this.place.root}/${dir}: ${describe(error)}`, {
        cause: error,
        retriable: true,
        context: { uri: dir, s3Code: codeOf(error) },
      });
    }
  }
}

function checkFolder(dir: string): string {
  if (!FOLDER.test(dir) || dir.split('/').some((part) => part === '.' || part === '..')) {
    throw new ParquetIoError('INVALID_URI', 'not a lake folder', { context: { uri: dir } });
  }
  return dir;
}

function isLakeUri(root: string, uri: string): boolean {
  try {
    lakeUriUnder(root, uri);
    return true;
  } catch {
    return false;
  }
}

function codeOf(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message.split('\n', 1)[0] ?? error.name : String(error);
}
