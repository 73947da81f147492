import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDefinitionCatalog } from './definition-files';

/**
 * Issue 9: DuckDB is sandboxed by two independent locks. The first is here: a definition cannot
 * even ask for a file, its expr is refused at load. (The engine's lock — no file outside its
 * allowed directories, whatever SQL asks — is libs/parquet-io's duckdb-sandbox.spec.ts.)
 */
describe('issue 9: DuckDB sandbox, at definition load', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fluxo-sandbox-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("refuses a definition whose expr reads a file (read_text('/etc/hostname')) at definition load", async () => {
    const definitions = join(dir, 'definitions');
    await mkdir(join(definitions, 'sources'), { recursive: true });
    const source = JSON.parse(await readFile(join(__dirname, '..', '..', 'schema', 'definitions', 'sources', 'usgs-earthquakes.json'), 'utf8')) as { mapping: unknown[] };
    const hostile = { ...source, name: 'usgs-hostile', mapping: [...source.mapping.slice(0, -1), { column: 'url', expr: "read_text('/etc/hostname')" }] };
    await writeFile(join(definitions, 'sources', 'usgs-hostile.json'), JSON.stringify(hostile));
    await expect(loadDefinitionCatalog(definitions)).rejects.toMatchObject({
      code: 'INVALID_DEFINITION',
      message: expect.stringContaining('"read_text" is not allowed'),
    });
  });
});
