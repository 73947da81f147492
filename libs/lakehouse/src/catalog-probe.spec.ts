import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeCatalog } from './catalog-probe';

describe('probeCatalog', () => {
  it('passes for a readable SQLite catalog file and fails with CATALOG_UNREACHABLE for a missing one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fluxo-probe-'));
    try {
      const path = join(dir, 'fluxo.sqlite');
      await expect(probeCatalog({ kind: 'sqlite', path })).rejects.toMatchObject({ code: 'CATALOG_UNREACHABLE', retriable: true });
      await writeFile(path, '');
      await expect(probeCatalog({ kind: 'sqlite', path })).resolves.toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('connects to the host and port of a PostgreSQL libpq string', async () => {
    const server = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      await expect(probeCatalog({ kind: 'postgres', connection: `dbname=fluxo host=127.0.0.1 port=${port} user=fluxo password='s e c'` })).resolves.toBeUndefined();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    const refused = probeCatalog({ kind: 'postgres', connection: `host=127.0.0.1 port=${port}` });
    await expect(refused).rejects.toMatchObject({ code: 'CATALOG_UNREACHABLE' });
    await expect(refused).rejects.not.toThrow(/s e c/);
  });
});
