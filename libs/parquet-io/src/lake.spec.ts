import { createHash } from 'node:crypto';
import { mkdir, realpath, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Lake } from './lake';
import { createTempLake, type TempLake } from './testing/temp-lake';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const fetchedAt = new Date('2025-05-04T23:59:59.999Z');

describe('Lake', () => {
  let tmp: TempLake;
  let lake: Lake;
  beforeEach(async () => {
    tmp = await createTempLake();
    lake = tmp.lake;
  });
  afterEach(async () => {
    await tmp.cleanup();
  });

  it('opens (creating) its root, realpath-ed', async () => {
    const linked = join(tmp.dir, 'link-to-lake');
    await symlink(lake.root, linked);
    const viaLink = await Lake.open(linked);
    expect(viaLink.root).toBe(await realpath(join(tmp.dir, 'lake')));
    expect((await stat(lake.root)).isDirectory()).toBe(true);
  });

  describe('layout', () => {
    it.each([
      ['raw', () => lake.rawPath('usgs-earthquakes', fetchedAt, 'poll-0001'), 'raw/usgs-earthquakes/date=2025-05-04/poll-0001.parquet'],
      ['raw date is the UTC fetch date', () => lake.rawPath('s', new Date('2025-05-05T01:00:00+03:00'), 'x'), 'raw/s/date=2025-05-04/x.parquet'],
      ['curated', () => lake.curatedPath('earthquakes', '2025-05-03', 'part_0'), 'curated/earthquakes/event_date=2025-05-03/part_0.parquet'],
      ['quarantine json', () => lake.quarantinePath('normalize', fetchedAt, 'bad-1', 'json'), 'quarantine/normalize/date=2025-05-04/bad-1.json'],
      ['quarantine parquet', () => lake.quarantinePath('ingest', fetchedAt, 'bad-2', 'parquet'), 'quarantine/ingest/date=2025-05-04/bad-2.parquet'],
    ])('%s', (_name, build, uri) => {
      const location = build();
      expect(location).toEqual({ uri, path: join(lake.root, ...uri.split('/')) });
      expect(lake.toUri(location.path)).toBe(uri);
    });

    it.each([
      ['source with uppercase', () => lake.rawPath('USGS', fetchedAt, 'x')],
      ['source with slash', () => lake.rawPath('a/b', fetchedAt, 'x')],
      ['source ..', () => lake.rawPath('..', fetchedAt, 'x')],
      ['empty stem', () => lake.rawPath('usgs', fetchedAt, '')],
      ['stem with dot', () => lake.rawPath('usgs', fetchedAt, 'a.b')],
      ['stem with colon', () => lake.rawPath('usgs', fetchedAt, '2025-05-04T13:52:57Z')],
      ['invalid fetchedAt', () => lake.rawPath('usgs', new Date('nope'), 'x')],
      ['eventDate not a date', () => lake.curatedPath('earthquakes', '2025-02-30', 'x')],
      ['eventDate wrong format', () => lake.curatedPath('earthquakes', '2025-5-4', 'x')],
      ['dataset with space', () => lake.curatedPath('earth quakes', '2025-05-04', 'x')],
      ['stage with NUL', () => lake.quarantinePath('a\0b', fetchedAt, 'x', 'json')],
      ['quarantine ext', () => lake.quarantinePath('ingest', fetchedAt, 'x', 'csv' as 'json')],
    ])('refuses %s with INVALID_ARGUMENT', (_name, build) => {
      expect(build).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    });
  });

  describe('confinement', () => {
    beforeEach(async () => {
      const outside = join(tmp.dir, 'outside');
      await mkdir(outside, { recursive: true });
      await writeFile(join(outside, 'secret.parquet'), 'secret');
      await mkdir(join(lake.root, 'raw', 'evil'), { recursive: true });
      await symlink(outside, join(lake.root, 'raw', 'evil', 'date=2025-05-04')); // symlinked directory
      await symlink(join(outside, 'secret.parquet'), join(lake.root, 'raw', 'evil', 'file.parquet')); // symlinked file
      await mkdir(join(lake.root, 'curated', 'ok'), { recursive: true });
      await symlink(join(lake.root, 'raw'), join(lake.root, 'curated', 'ok', 'inside')); // stays inside: allowed
    });

    it.each([
      ['parent traversal', '../x.parquet', 'URI_OUTSIDE_LAKE'],
      ['absolute path', '/etc/x.parquet', 'URI_OUTSIDE_LAKE'],
      ['traversal after a zone', 'raw/../../x.parquet', 'URI_OUTSIDE_LAKE'],
      ['windows drive', 'C:/x.parquet', 'URI_OUTSIDE_LAKE'],
      ['backslash', 'raw\\x.parquet', 'INVALID_URI'],
      ['NUL byte', 'raw/a/date=2025-05-04/x\0.parquet', 'INVALID_URI'],
      ['empty', '', 'INVALID_URI'],
      ['not parquet', 'raw/a/date=2025-05-04/x.csv', 'INVALID_URI'],
      ['unknown zone', 'tmp/a/x.parquet', 'INVALID_URI'],
      ['zone only', 'raw.parquet', 'INVALID_URI'],
      ['dot segment', 'raw/./x.parquet', 'INVALID_URI'],
      ['json outside quarantine', 'raw/a/x.json', 'INVALID_URI'],
      ['symlinked directory leading outside', 'raw/evil/date=2025-05-04/secret.parquet', 'URI_OUTSIDE_LAKE'],
      ['symlinked directory, file not there yet', 'raw/evil/date=2025-05-04/new/x.parquet', 'URI_OUTSIDE_LAKE'],
      ['symlinked file leading outside', 'raw/evil/file.parquet', 'URI_OUTSIDE_LAKE'],
    ])('resolve refuses %s (%j) with %s', async (_name, uri, code) => {
      await expect(lake.resolve(uri)).rejects.toMatchObject({ code, retriable: false });
    });

    it.each([
      ['a file not written yet', 'raw/usgs/date=2025-05-04/x.parquet', 'raw/usgs/date=2025-05-04/x.parquet'],
      ['a symlink that stays inside', 'curated/ok/inside/y.parquet', 'raw/y.parquet'],
      ['quarantined JSON', 'quarantine/normalize/date=2025-05-04/bad.json', 'quarantine/normalize/date=2025-05-04/bad.json'],
    ])('resolve accepts %s', async (_name, uri, expected) => {
      await expect(lake.resolve(uri)).resolves.toBe(join(lake.root, ...expected.split('/')));
    });

    it('toUri refuses paths outside the lake', () => {
      expect(() => lake.toUri(join(tmp.dir, 'outside', 'secret.parquet'))).toThrow(expect.objectContaining({ code: 'URI_OUTSIDE_LAKE' }));
      expect(() => lake.toUri(lake.root)).toThrow(expect.objectContaining({ code: 'URI_OUTSIDE_LAKE' }));
      expect(() => lake.toUri(join(lake.root, 'raw', 'x.txt'))).toThrow(expect.objectContaining({ code: 'INVALID_URI' }));
    });
  });

  describe('verify', () => {
    const uri = 'raw/usgs/date=2025-05-04/poll-1.parquet';
    beforeEach(async () => {
      await mkdir(join(lake.root, 'raw', 'usgs', 'date=2025-05-04'), { recursive: true });
      await writeFile(join(lake.root, ...uri.split('/')), 'PAR1 pretend');
    });

    it('returns the absolute path when size and checksum match', async () => {
      await expect(lake.verify({ uri, bytes: 12, sha256: sha('PAR1 pretend') })).resolves.toBe(join(lake.root, ...uri.split('/')));
    });

    it.each([
      ['size mismatch', { uri, bytes: 13, sha256: sha('PAR1 pretend') }, { code: 'SIZE_MISMATCH', context: expect.objectContaining({ uri, expected: 13, actual: 12 }) }],
      ['checksum mismatch', { uri, bytes: 12, sha256: 'a'.repeat(64) }, { code: 'CHECKSUM_MISMATCH', retriable: false, context: expect.objectContaining({ uri, expected: 'a'.repeat(64), actual: sha('PAR1 pretend') }) }],
      ['missing file', { uri: 'raw/usgs/date=2025-05-04/poll-2.parquet', bytes: 12, sha256: sha('x') }, { code: 'FILE_MISSING' }],
      ['a directory', { uri: 'raw/usgs/date=2025-05-04.parquet', bytes: 1, sha256: sha('x') }, { code: 'FILE_MISSING' }],
      ['escaping URI', { uri: '../x.parquet', bytes: 1, sha256: sha('x') }, { code: 'URI_OUTSIDE_LAKE' }],
    ])('fails on %s', async (_name, expectation, error) => {
      if (expectation.uri.endsWith('2025-05-04.parquet')) await mkdir(join(lake.root, ...expectation.uri.split('/')));
      await expect(lake.verify(expectation)).rejects.toMatchObject(error);
    });
  });

  it('sweeps temp files only below the raw folders of the named sources', async () => {
    const mine = join(lake.root, 'raw', 'mine', 'date=2025-05-04');
    const theirs = join(lake.root, 'raw', 'theirs', 'date=2025-05-04');
    await mkdir(mine, { recursive: true });
    await mkdir(theirs, { recursive: true });
    await writeFile(join(mine, '.a.parquet.0123456789abcdef.tmp'), 'x');
    await writeFile(join(theirs, '.b.parquet.0123456789abcdef.tmp'), 'x');
    expect(await lake.sweepStaleTempFiles({ sources: ['mine'], olderThanMs: 0 })).toEqual([join(mine, '.a.parquet.0123456789abcdef.tmp')]);
    expect(await lake.sweepStaleTempFiles({ olderThanMs: 0 })).toEqual([join(theirs, '.b.parquet.0123456789abcdef.tmp')]);
  });
});
