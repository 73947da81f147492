import { isAbsolute, resolve } from 'node:path';
import { LakehouseError } from './errors';

/**
 * Where the DuckLake catalog lives:
 * - `sqlite:<path>`: an embedded file (the default, `.fluxo/catalog/fluxo.sqlite`). One writer at a
 *   time, any number of readers in other processes (the dashboard, the CLI);
 * - `postgres:<libpq connection string>` (`postgres:dbname=fluxo host=127.0.0.1 user=fluxo`): several
 *   normalizers writing at once.
 */
export type CatalogLocation =
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'postgres'; readonly connection: string };

/** Parses a catalog setting; relative SQLite paths are resolved against `cwd`. */
export function parseCatalogLocation(value: string, cwd: string = process.cwd()): CatalogLocation {
  const separator = value.indexOf(':');
  const scheme = separator < 0 ? '' : value.slice(0, separator);
  const rest = separator < 0 ? '' : value.slice(separator + 1).trim();
  if (value.includes('\0') || value.includes("'")) {
    throw new LakehouseError('INVALID_CATALOG', 'the catalog location must not contain quotes or NUL');
  }
  if (scheme === 'sqlite' && rest !== '') return { kind: 'sqlite', path: isAbsolute(rest) ? rest : resolve(cwd, rest) };
  if ((scheme === 'postgres' || scheme === 'postgresql') && rest !== '') return { kind: 'postgres', connection: rest };
  throw new LakehouseError('INVALID_CATALOG', `catalog "${value}" is neither sqlite:<path> nor postgres:<libpq connection string>`);
}

/** The `ducklake:` string DuckDB attaches. */
export function ducklakeAttachTarget(location: CatalogLocation): string {
  return location.kind === 'sqlite' ? `ducklake:sqlite:${location.path}` : `ducklake:postgres:${location.connection}`;
}

/** The location with any password removed, for logs. */
export function describeCatalogLocation(location: CatalogLocation): string {
  return location.kind === 'sqlite' ? `sqlite:${location.path}` : `postgres:${location.connection.replace(/password=\S+/gi, 'password=***')}`;
}
