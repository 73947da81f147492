import type { S3LakeObjects } from './s3-objects';

const DATE_FOLDER = /^date=(\d{4}-\d{2}-\d{2})$/;
const SOURCE = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

interface RawDateFolder {
  readonly source: string;
  readonly date: string;
}

/**
 * The raw zone of an S3 lake (`<root>/raw/<source>/date=YYYY-MM-DD/*.parquet`) for raw retention
 * (fits lakehouse's `RawZone`). Date folders are listed with a delimiter, in key order, and the
 * listing stops at the cutoff: a sweep lists the folders that are expiring, never the lake's history.
 * There are no folders to remove on an object store: a prefix without keys is gone.
 */
export class S3RawZone {
  constructor(private readonly objects: S3LakeObjects) {}

  get root(): string {
    return this.objects.root;
  }

  async foldersBefore(cutoff: string): Promise<RawDateFolder[]> {
    const found: RawDateFolder[] = [];
    for (const source of await this.objects.folders('raw')) {
      if (!SOURCE.test(source)) continue; // a key no producer writes (`..`, spaces…)
      for (const folder of await this.objects.folders(`raw/${source}`, { startsWith: 'date=', before: `date=${cutoff}` })) {
        const date = DATE_FOLDER.exec(folder)?.[1];
        if (date !== undefined) found.push({ source, date });
      }
    }
    return found;
  }

  async files({ source, date }: RawDateFolder): Promise<string[]> {
    const uris = await this.objects.files(`raw/${source}/date=${date}`);
    // As references carry them (and the catalog records what was consumed): absolute object URLs.
    return uris.filter((uri) => uri.endsWith('.parquet') && !(uri.split('/').pop() ?? '').startsWith('.')).map((uri) => `${this.objects.root}/${uri}`);
  }

  async delete(uris: readonly string[]): Promise<{ uri: string; code: string; message: string }[]> {
    return (await this.objects.delete(uris)).failed;
  }

  folderSwept(): Promise<void> {
    return Promise.resolve();
  }
}
