import { access, constants } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { CatalogLocation } from './catalog-location';
import { LakehouseError } from './errors';

/**
 * Whether a catalog can be reached without attaching it (for readers' readiness probes, which must
 * not queue behind queries on a DuckDB connection): an SQLite catalog file is readable; a PostgreSQL
 * server accepts a connection on the host and port of the libpq string (or its Unix socket).
 * Throws `CATALOG_UNREACHABLE` (retriable).
 */
export async function probeCatalog(location: CatalogLocation, signal?: AbortSignal): Promise<void> {
  if (location.kind === 'sqlite') {
    try {
      await access(location.path, constants.R_OK);
      return;
    } catch (error) {
      throw new LakehouseError('CATALOG_UNREACHABLE', `catalog file ${location.path} is not readable (not created yet?)`, { cause: error, retriable: true });
    }
  }
  const settings = libpqSettings(location.connection);
  const host = (settings['host'] ?? settings['hostaddr'] ?? '127.0.0.1').split(',')[0] ?? '127.0.0.1';
  const port = Number((settings['port'] ?? '5432').split(',')[0]);
  const target = host.startsWith('/') ? { path: join(host, `.s.PGSQL.${port}`) } : { host, port };
  await new Promise<void>((resolve, reject) => {
    const socket = connect(target);
    const fail = (error: unknown) => {
      socket.destroy();
      reject(new LakehouseError('CATALOG_UNREACHABLE', `PostgreSQL catalog at ${'path' in target ? target.path : `${host}:${port}`} does not accept connections`, { cause: error, retriable: true }));
    };
    signal?.addEventListener('abort', () => fail(signal.reason), { once: true });
    socket.once('connect', () => {
      socket.end();
      resolve();
    });
    socket.once('error', fail);
  });
}

/** `key=value` pairs of a libpq connection string (values may be single-quoted). */
function libpqSettings(connection: string): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const match of connection.matchAll(/(\w+)\s*=\s*(?:'((?:[^'\\]|\\.)*)'|(\S+))/g)) {
    const key = match[1];
    if (key !== undefined) settings[key] = match[2] ?? match[3] ?? '';
  }
  return settings;
}
