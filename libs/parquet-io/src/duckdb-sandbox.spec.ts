import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { silentLogger } from '@fluxo/schema';
import { ParquetEngine } from './engine';
import { readRows } from './read-parquet';
import { writeRawFile } from './raw-file-writer';
import { sqlString } from './sql';
import { aRawRow } from './testing/raw-rows';
import { createTempLake, type TempLake } from './testing/temp-lake';

/**
 * Issue 9: DuckDB is sandboxed. Two independent locks: a definition cannot even ask for a file
 * (its expr is refused at load: libs/definitions' definition-sandbox.spec.ts), and the
 * engine refuses every file outside its allowed directories whatever SQL asks, with its
 * configuration locked so SQL cannot lift that.
 */
describe('issue 9: DuckDB sandbox', () => {
  let tmp: TempLake;
  let engine: ParquetEngine;
  let outside: string;
  beforeAll(async () => {
    tmp = await createTempLake('fluxo-sandbox-');
    outside = join(tmp.dir, 'outside');
    await mkdir(outside);
    await writeFile(join(outside, 'secret.txt'), 'secret');
    await mkdir(join(tmp.lake.root, 'raw'), { recursive: true });
    await symlink(outside, join(tmp.lake.root, 'raw', 'escape'));
    engine = await ParquetEngine.open({ logger: silentLogger, threads: 1, memoryLimitMb: 128, sandbox: { allowedDirectories: [tmp.lake.root] } });
  });
  afterAll(async () => {
    await engine.close();
    await tmp.cleanup();
  });

  it.each([
    ['read_text of /etc/hostname', `SELECT content FROM read_text('/etc/hostname')`],
    ['read_csv of a file beside the lake', `SELECT * FROM read_csv(${sqlString('OUTSIDE/secret.txt')})`],
    ['a glob outside', `SELECT * FROM glob('/etc/*')`],
    ['COPY TO outside', `COPY (SELECT 1 AS x) TO ${sqlString('OUTSIDE/written.parquet')} (FORMAT parquet)`],
    ['ATTACH of a new database', `ATTACH ${sqlString('OUTSIDE/x.duckdb')} AS x`],
    ['a path that climbs out of the lake', `SELECT content FROM read_text(${sqlString('LAKE/raw/../../outside/secret.txt')})`],
    ['a symlink inside the lake leading out', `SELECT content FROM read_text(${sqlString('LAKE/raw/escape/secret.txt')})`],
  ])('the engine refuses %s with ACCESS_DENIED, even though SQL asked for it', async (_name, template) => {
    const sql = template.replaceAll('OUTSIDE', outside).replaceAll('LAKE', tmp.lake.root);
    await expect(engine.all(sql)).rejects.toMatchObject({ code: 'ACCESS_DENIED', retriable: false });
  });

  it.each([
    ['enable_external_access', 'SET enable_external_access = true'],
    ['allowed_directories', `SET allowed_directories = ['/']`],
    ['lock_configuration', 'SET lock_configuration = false'],
    ['memory_limit', "SET memory_limit = '64GB'"],
    ['temp_directory', "SET temp_directory = '/tmp'"],
  ])('its configuration is locked: SQL cannot change %s', async (_name, sql) => {
    await expect(engine.run(sql)).rejects.toMatchObject({ code: 'QUERY_FAILED', message: expect.stringContaining('configuration has been locked') });
  });

  it('still writes and reads Parquet inside the lake', async () => {
    const written = await writeRawFile(engine, tmp.lake, { source: 'usgs', stem: 'sandboxed', fetchedAt: new Date('2025-05-04T00:00:00Z'), rows: [aRawRow()] });
    await written.commit();
    await expect(readRows(engine, written.path)).resolves.toHaveLength(1);
  });

  it('is set once: a second restriction is refused, the first stays', async () => {
    await expect(engine.restrictFileAccess({ allowedDirectories: ['/'] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(engine.fileSandbox).toEqual({ allowedDirectories: [tmp.lake.root] });
  });

  it('refuses relative or empty sandboxes', async () => {
    await expect(ParquetEngine.open({ logger: silentLogger, sandbox: { allowedDirectories: ['lake'] } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(ParquetEngine.open({ logger: silentLogger, sandbox: { allowedDirectories: [] } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('issue 9: DuckDB out of memory is its own retriable code', () => {
  it('reports OUT_OF_MEMORY (retriable, first line of the message only) and stays usable', async () => {
    await using engine = await ParquetEngine.open({ logger: silentLogger, threads: 1, memoryLimitMb: 64 });
    const failure = await engine.all(`SELECT len(list(range)) AS n FROM range(50000000)`).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'OUT_OF_MEMORY', retriable: true, message: expect.stringMatching(/^DuckDB ran out of memory: Out of Memory Error: [^\n]*$/) });
    await expect(engine.all('SELECT 1 AS one')).resolves.toEqual([{ one: 1 }]);
  });
});
