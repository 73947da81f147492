import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeError, SchemaError, type DefinitionCatalog, type Logger, type SqlEngine } from '@fluxo/schema';
import { loadDefinitionCatalog } from './definition-files';

/** A valid new catalog replacing the one the app ran with. */
export interface DefinitionChange {
  readonly catalog: DefinitionCatalog;
  readonly previous: DefinitionCatalog;
}

export interface DefinitionWatcherOptions {
  /** The definitions folder (`FLUXO_DEFINITIONS_DIR`); without one only the built-ins exist and nothing is watched. */
  readonly dir: string | undefined;
  /** How often the folder is scanned (`FLUXO_DEFINITIONS_SCAN_INTERVAL_MS`). */
  readonly intervalMs: number;
  /** The SQL engine the definitions must compile for (each `expr` needs a form for it); DuckDB by default. */
  readonly engine?: SqlEngine;
  readonly logger: Logger;
}

/**
 * The definition catalog of a running app, following its definitions folder without a restart.
 *
 * Every `intervalMs` (and whenever `check()` is called) the folder's `sources/*.json` and
 * `datasets/*.json` are read and hashed; fs.watch is not used (it misses events on some platforms
 * and file systems). When the hash changed, the whole folder is validated again with the same
 * validator as at startup: a valid catalog replaces the current one and listeners are told (awaited,
 * in order); an invalid one is logged once with one message per mistake and the previous catalog
 * stays in use. The first load, in `open()`, throws on invalid definitions as before.
 */
export class DefinitionWatcher implements AsyncDisposable {
  private current: DefinitionCatalog;
  private fingerprint: string;
  /** Fingerprint of the last invalid folder, so its problems are logged once. */
  private rejected: string | undefined;
  private readonly listeners: ((change: DefinitionChange) => void | Promise<void>)[] = [];
  private checking: Promise<boolean> = Promise.resolve(false);
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(
    private readonly options: DefinitionWatcherOptions,
    catalog: DefinitionCatalog,
    fingerprint: string,
  ) {
    this.current = catalog;
    this.fingerprint = fingerprint;
  }

  /** Loads the catalog (throwing `INVALID_DEFINITION` listing every problem, as at any startup). */
  static async open(options: DefinitionWatcherOptions): Promise<DefinitionWatcher> {
    const fingerprint = await folderFingerprint(options.dir);
    return new DefinitionWatcher(options, await loadDefinitionCatalog(options.dir, { engine: options.engine }), fingerprint);
  }

  get catalog(): DefinitionCatalog {
    return this.current;
  }

  /** Called with every valid change, in order; a listener that throws is logged, the others still run. */
  onChange(listener: (change: DefinitionChange) => void | Promise<void>): void {
    this.listeners.push(listener);
  }

  /** Scans periodically until `close()`. Nothing to do without a folder. */
  start(): void {
    if (this.options.dir === undefined || this.closed || this.timer !== undefined) return;
    const tick = () => {
      void this.check().finally(() => {
        if (!this.closed) this.timer = setTimeout(tick, this.options.intervalMs).unref();
      });
    };
    this.timer = setTimeout(tick, this.options.intervalMs).unref();
  }

  /**
   * Scans the folder now; true when a valid change was applied. Concurrent calls run one after the
   * other. Never throws: an unreadable folder or file is logged and the current catalog kept.
   */
  check(): Promise<boolean> {
    this.checking = this.checking.then(() => this.scan());
    return this.checking;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.checking;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private async scan(): Promise<boolean> {
    const { dir, logger } = this.options;
    if (dir === undefined || this.closed) return false;
    let fingerprint: string | undefined;
    let catalog: DefinitionCatalog;
    try {
      fingerprint = await folderFingerprint(dir);
      if (fingerprint === this.fingerprint || fingerprint === this.rejected) return false;
      catalog = await loadDefinitionCatalog(dir, { engine: this.options.engine });
    } catch (error) {
      const problems = error instanceof SchemaError ? (error.problems.length > 0 ? error.problems : [error.message]) : [describeError(error)];
      // A file caught half-written fails too: the next scan reads it whole and applies it.
      logger.error({ dir, problems }, `definitions in ${dir} changed but are invalid; the previous definitions keep running:\n${problems.join('\n')}`);
      // What was read before the load is what failed: a fix written since (even right after this
      // message) has another fingerprint, so the next scan loads it.
      this.rejected = fingerprint;
      return false;
    }
    const previous = this.current;
    this.current = catalog;
    this.fingerprint = fingerprint;
    this.rejected = undefined;
    logger.info({ dir, ...describeChange(previous, catalog) }, `definitions in ${dir} changed; applying them`);
    for (const listener of this.listeners) {
      try {
        await listener({ catalog, previous });
      } catch (error) {
        logger.error({ dir, err: describeError(error) }, 'applying changed definitions failed');
      }
    }
    return true;
  }
}

/** sha256 over the names and contents of `<dir>/{sources,datasets}/*.json` (a few KB: cheap to read every scan). */
async function folderFingerprint(dir: string | undefined): Promise<string> {
  const hash = createHash('sha256');
  if (dir === undefined) return hash.digest('hex');
  for (const kind of ['sources', 'datasets']) {
    let names: string[];
    try {
      names = (await readdir(join(dir, kind))).filter((name) => name.endsWith('.json')).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    for (const name of names) {
      const content = await readFile(join(dir, kind, name)).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return Buffer.alloc(0); // removed between listing and reading: the next scan sees it gone
        throw error;
      });
      hash.update(`${kind}/${name}\u0000${content.length}\u0000`).update(content);
    }
  }
  return hash.digest('hex');
}

/** Which source and dataset definitions a change added, changed and removed (for the log line). */
function describeChange(previous: DefinitionCatalog, next: DefinitionCatalog): Record<'added' | 'changed' | 'removed', string[]> {
  const entries = (catalog: DefinitionCatalog) =>
    new Map([
      ...catalog.sourceNames().map((name) => [`source ${name}`, JSON.stringify(catalog.source(name))] as const),
      ...catalog.datasetNames().map((name) => [`dataset ${name}`, JSON.stringify(catalog.dataset(name))] as const),
    ]);
  const before = entries(previous);
  const after = entries(next);
  return {
    added: [...after.keys()].filter((key) => !before.has(key)),
    changed: [...after.entries()].filter(([key, value]) => before.has(key) && before.get(key) !== value).map(([key]) => key),
    removed: [...before.keys()].filter((key) => !after.has(key)),
  };
}
