import { DeleteObjectsCommand, type ListObjectsV2Command } from '@aws-sdk/client-s3';
import { ParquetIoError } from './errors';
import { DELETE_BATCH_KEYS, S3LakeObjects, type S3Sender } from './s3-objects';

const PLACE = { root: 's3://bucket/lake', bucket: 'bucket', prefix: 'lake' };

/** Records every command; answers DeleteObjects with `refuse(key)` errors and ListObjectsV2 from `pages`. */
function fakeClient(options: { refuse?: (key: string) => string | undefined; pages?: Record<string, unknown>[]; fail?: Error } = {}) {
  const sent: unknown[] = [];
  const pages = [...(options.pages ?? [])];
  const client = {
    send: (command: unknown) => {
      sent.push(command);
      if (options.fail !== undefined) return Promise.reject(options.fail);
      if (command instanceof DeleteObjectsCommand) {
        const keys = (command.input.Delete?.Objects ?? []).map((object) => object.Key ?? '');
        return Promise.resolve({ Errors: keys.flatMap((Key) => (options.refuse?.(Key) === undefined ? [] : [{ Key, Code: options.refuse(Key), Message: 'refused' }])) });
      }
      return Promise.resolve(pages.shift() ?? {});
    },
    destroy: () => undefined,
  };
  return { sent, client: client as unknown as S3Sender };
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ParquetIoError) return error.code;
    throw error;
  }
  return undefined;
}

const uri = (i: number) => `raw/usgs/date=2026-01-01/poll-${String(i).padStart(5, '0')}.parquet`;

describe('S3LakeObjects', () => {
  it('deletes in DeleteObjects requests of at most 1000 keys, each key under the lake prefix', async () => {
    const { sent, client } = fakeClient();
    const objects = new S3LakeObjects(PLACE, client);
    const uris = Array.from({ length: 2 * DELETE_BATCH_KEYS + 5 }, (_, i) => uri(i));
    const result = await objects.delete(uris);
    expect(sent.map((command) => (command as DeleteObjectsCommand).input.Delete?.Objects?.length)).toEqual([1000, 1000, 5]);
    expect((sent[0] as DeleteObjectsCommand).input).toMatchObject({ Bucket: 'bucket', Delete: { Quiet: true } });
    expect((sent[0] as DeleteObjectsCommand).input.Delete?.Objects?.[0]).toEqual({ Key: `lake/${uri(0)}` });
    expect(result.deleted).toEqual(uris);
    expect(result.failed).toEqual([]);
    // an object URL under the root is the same key; nothing to delete sends nothing
    const again = fakeClient();
    await new S3LakeObjects(PLACE, again.client).delete([`s3://bucket/lake/${uri(1)}`]);
    expect((again.sent[0] as DeleteObjectsCommand).input.Delete?.Objects).toEqual([{ Key: `lake/${uri(1)}` }]);
    await new S3LakeObjects(PLACE, again.client).delete([]);
    expect(again.sent).toHaveLength(1);
  });

  it('refuses the whole call, before any request, when one URI is outside the lake root', async () => {
    const { sent, client } = fakeClient();
    const objects = new S3LakeObjects(PLACE, client);
    expect(await codeOf(objects.delete([uri(1), 's3://bucket/lake-other/raw/usgs/date=2026-01-01/a.parquet']))).toBe('URI_OUTSIDE_LAKE');
    expect(await codeOf(objects.delete([uri(1), 's3://other-bucket/lake/raw/usgs/date=2026-01-01/a.parquet']))).toBe('URI_OUTSIDE_LAKE');
    expect(await codeOf(objects.delete(['raw/usgs/../../../etc/passwd.parquet']))).toBe('URI_OUTSIDE_LAKE');
    expect(await codeOf(objects.delete(['/lake/raw/usgs/date=2026-01-01/a.parquet']))).toBe('URI_OUTSIDE_LAKE');
    expect(await codeOf(objects.delete(['notazone/a.parquet']))).toBe('INVALID_URI');
    expect(sent).toEqual([]);
    // a lake at the bucket's root has no key prefix
    const atRoot = fakeClient();
    await new S3LakeObjects({ root: 's3://bucket', bucket: 'bucket', prefix: '' }, atRoot.client).delete([uri(2)]);
    expect((atRoot.sent[0] as DeleteObjectsCommand).input.Delete?.Objects).toEqual([{ Key: uri(2) }]);
  });

  it('reports the keys the server refuses with their S3 code, and a failed request as a retriable DELETE_FAILED', async () => {
    const { client } = fakeClient({ refuse: (key) => (key.endsWith('00001.parquet') ? 'AccessDenied' : undefined) });
    const result = await new S3LakeObjects(PLACE, client).delete([uri(0), uri(1), uri(2)]);
    expect(result.deleted).toEqual([uri(0), uri(2)]);
    expect(result.failed).toEqual([{ uri: uri(1), code: 'AccessDenied', message: 'refused' }]);

    const down = fakeClient({ fail: Object.assign(new Error('connect ECONNREFUSED'), { name: 'TimeoutError' }) });
    const error = await new S3LakeObjects(PLACE, down.client).delete([uri(0)]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ParquetIoError);
    expect(error).toMatchObject({ code: 'DELETE_FAILED', retriable: true, context: { s3Code: 'TimeoutError' } });
  });

  it('lists folders under the lake prefix with a delimiter, page by page, and stops at the bound', async () => {
    const { sent, client } = fakeClient({
      pages: [
        { CommonPrefixes: [{ Prefix: 'lake/raw/usgs/date=2026-01-01/' }, { Prefix: 'lake/raw/usgs/date=2026-01-02/' }], IsTruncated: true, NextContinuationToken: 't1' },
        { CommonPrefixes: [{ Prefix: 'lake/raw/usgs/date=2026-01-03/' }, { Prefix: 'lake/raw/usgs/date=2026-01-09/' }], IsTruncated: true, NextContinuationToken: 't2' },
        { CommonPrefixes: [{ Prefix: 'lake/raw/usgs/date=2026-02-01/' }] },
      ],
    });
    const objects = new S3LakeObjects(PLACE, client);
    expect(await objects.folders('raw/usgs', { startsWith: 'date=', before: 'date=2026-01-05' })).toEqual(['date=2026-01-01', 'date=2026-01-02', 'date=2026-01-03']);
    expect(sent).toHaveLength(2); // the third page is never asked for
    expect((sent[0] as ListObjectsV2Command).input).toEqual({ Bucket: 'bucket', Prefix: 'lake/raw/usgs/date=', Delimiter: '/', ContinuationToken: undefined });
    expect((sent[1] as ListObjectsV2Command).input.ContinuationToken).toBe('t1');
    expect(await codeOf(objects.folders('raw/../x'))).toBe('INVALID_URI');
  });

  it('lists the lake URIs of a folder, skipping keys that are not lake URIs', async () => {
    const { client } = fakeClient({
      pages: [{ Contents: [{ Key: 'lake/raw/usgs/date=2026-01-01/a.parquet' }, { Key: 'lake/raw/usgs/date=2026-01-01/notes.txt' }, { Key: 'lake/raw/usgs/date=2026-01-01/b.parquet' }] }],
    });
    expect(await new S3LakeObjects(PLACE, client).files('raw/usgs/date=2026-01-01')).toEqual(['raw/usgs/date=2026-01-01/a.parquet', 'raw/usgs/date=2026-01-01/b.parquet']);
  });
});
