import { setTimeout as sleep } from 'node:timers/promises';
import { silentLogger } from '@fluxo/schema';
import { CuratedTables } from './curated-tables';
import { LakeData } from './lake-data';
import { TEST_DEFINITIONS } from './testing/lake-fixtures';

describe('LakeData result cache', () => {
  const unused = () => Promise.reject(new Error('no engine in this test'));
  const lakeWith = (options: { recomputeBackoff?: number; maxStaleMs?: number }) =>
    new LakeData({
      root: '/nonexistent',
      engine: unused,
      tables: new CuratedTables({ engine: unused, catalog: { kind: 'sqlite', path: '/nonexistent/fluxo.sqlite' }, dataPath: '/nonexistent/curated', logger: silentLogger }),
      catalog: () => Promise.resolve(TEST_DEFINITIONS),
      ...options,
    });
  const slow = (value: string) => async () => {
    await sleep(40);
    return value;
  };

  it('recomputes when the signature changes, and only then', async () => {
    const lake = lakeWith({});
    expect(await lake.cached('k', 's1', slow('a'))).toBe('a');
    expect(await lake.cached('k', 's1', slow('b'))).toBe('a');
    expect(await lake.cached('k', 's2', slow('c'))).toBe('c');
  });

  it('holds a result of a changed table for a multiple of its computation time, but never longer than maxStaleMs', async () => {
    const lake = lakeWith({ recomputeBackoff: 1_000, maxStaleMs: 1_000 });
    expect(await lake.cached('k', '1:t:a', slow('a'))).toBe('a');
    expect(await lake.cached('k', '1:t:b', slow('b'))).toBe('a'); // 1000 × 40 ms would be 40 s: capped at 1 s
    await sleep(1_100);
    expect(await lake.cached('k', '1:t:b', slow('c'))).toBe('c');
  });

  it('never holds a result across a re-attach or once the table or catalog is gone', async () => {
    const lake = lakeWith({ recomputeBackoff: 1_000, maxStaleMs: 60_000 });
    expect(await lake.cached('k', '1:t:a', slow('a'))).toBe('a');
    expect(await lake.cached('k', 'no-data:the catalog does not exist', slow('gone'))).toBe('gone');
    expect(await lake.cached('k', '2:t:a', slow('new catalog'))).toBe('new catalog');
    expect(await lake.cached('k', 'missing:2', slow('no table'))).toBe('no table');
  });

  it('does not keep a failed computation', async () => {
    const lake = lakeWith({});
    await expect(lake.cached('k', 's1', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await sleep(0);
    expect(await lake.cached('k', 's1', slow('a'))).toBe('a');
  });
});
