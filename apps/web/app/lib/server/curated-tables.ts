import { stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { describeError, type Logger } from '@fluxo/schema';
import { describeCatalogLocation, Lakehouse, type CatalogLocation, type SqlEngine } from '@fluxo/lakehouse';
import type { WidgetProblem } from '../definitions';
import { listTables, type CuratedTable } from './table-listing';

/** The name the catalog is attached under: queries read `fluxo.main."<dataset>"`. */
const ALIAS = 'fluxo';

/** The catalog as the dashboard sees it right now. */
export type CatalogState =
  | { readonly kind: 'attached'; readonly lakehouse: Lakehouse; readonly epoch: number }
  | { readonly kind: 'absent'; readonly message: string }
  | { readonly kind: 'failed'; readonly message: string };

/** The tables of the catalog's current snapshot, or why there are none to show. */
export type TableListing =
  | {
      readonly ok: true;
      readonly epoch: number;
      readonly lakehouse: Lakehouse;
      readonly tables: ReadonlyMap<string, CuratedTable>;
      /** The catalog's current snapshot when the listing was read (it shows at least that snapshot). */
      readonly snapshot: number;
      readonly listedAt: number;
    }
  | { readonly ok: false; readonly problem: WidgetProblem; readonly listedAt: number };

export interface CuratedTablesOptions {
  /** DuckDB with LAKEHOUSE_EXTENSIONS loaded (the dashboard's one engine). */
  readonly engine: () => Promise<SqlEngine>;
  readonly catalog: CatalogLocation;
  /** Absolute path of the lake's `curated/` zone (where DuckLake writes the tables' files). */
  readonly dataPath: string;
  readonly logger: Logger;
  /** Attempts of one read while SQLite reports the catalog locked by a committing writer. Default 5. */
  readonly readAttempts?: number;
  /** First delay between those attempts (doubles). Default 50 ms. */
  readonly retryDelayMs?: number;
  /** A failed or missing catalog is retried, and an attached SQLite catalog file re-checked, at most this often. Default 1 s. */
  readonly recheckMs?: number;
  /** The table listing is reused this long (many widgets and browsers share one). Default 1 s. */
  readonly listMaxAgeMs?: number;
}

/**
 * The dashboard's read-only view of the curated tables (DuckLake, attached read-only). It attaches
 * lazily: a catalog that does not exist yet (normalizer not started) is an empty state, retried on a
 * later request, never a crash. Every query runs in its own transaction and so reads the latest
 * committed snapshot; an SQLite catalog file that was replaced or removed is detected by its identity
 * (device and inode) and re-attached, so a long-running dashboard never keeps serving an old catalog.
 * Reads that meet SQLite's writer lock ("database is locked") are retried a bounded number of times.
 */
export class CuratedTables {
  private attached: { readonly lakehouse: Lakehouse; readonly identity: string | null; readonly epoch: number } | undefined;
  private last: { readonly state: CatalogState; readonly at: number } | undefined;
  private checking: Promise<CatalogState> | undefined;
  private suspect = false;
  private epochs = 0;
  private listing: TableListing | undefined;
  private listingInFlight: Promise<TableListing> | undefined;
  private readonly logger: Logger;

  constructor(private readonly options: CuratedTablesOptions) {
    this.logger = options.logger.child({ component: 'curated-tables' });
  }

  /** `sqlite:<path>` or `postgres:…` without secrets, for messages. */
  get location(): string {
    return describeCatalogLocation(this.options.catalog);
  }

  /** The attached catalog, or why there is none (re-checked at most every `recheckMs`). */
  async state(): Promise<CatalogState> {
    const recheckMs = this.options.recheckMs ?? 1_000;
    if (this.last !== undefined && !this.suspect && Date.now() - this.last.at < recheckMs) return this.last.state;
    this.checking ??= this.check().finally(() => (this.checking = undefined));
    return this.checking;
  }

  /** The tables (and views) of schema `main`, with sizes and a change signature each, cached for `listMaxAgeMs`. */
  async list(): Promise<TableListing> {
    const maxAgeMs = this.options.listMaxAgeMs ?? 1_000;
    if (this.listing !== undefined && Date.now() - this.listing.listedAt < maxAgeMs) return this.listing;
    this.listingInFlight ??= this.readListing().finally(() => (this.listingInFlight = undefined));
    return this.listingInFlight;
  }

  /** Forget the cached listing (a new file was announced): the next `list()` reads the catalog. */
  invalidate(): void {
    this.listing = undefined;
  }

  /** A read on the engine, retried while SQLite reports the catalog locked; other failures are thrown at once. */
  async query<T extends object>(sql: string): Promise<T[]> {
    const engine = await this.options.engine();
    const attempts = this.options.readAttempts ?? 5;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await engine.all<T>(sql);
      } catch (error) {
        if (attempt >= attempts || !isCatalogBusy(error)) throw error;
        await sleep((this.options.retryDelayMs ?? 50) * 2 ** (attempt - 1));
      }
    }
  }

  /** Detaches the catalog (the engine stays open). */
  async close(): Promise<void> {
    const attached = this.attached;
    this.attached = undefined;
    this.last = undefined;
    if (attached !== undefined) await attached.lakehouse.close();
  }

  private async readListing(): Promise<TableListing> {
    const listedAt = Date.now();
    const state = await this.state();
    let listing: TableListing;
    if (state.kind === 'absent') {
      listing = { ok: false, problem: { kind: 'no-data', message: state.message }, listedAt };
    } else if (state.kind === 'failed') {
      listing = { ok: false, problem: { kind: 'query-failed', message: state.message }, listedAt };
    } else {
      try {
        const { tables, snapshot } = await listTables(state.lakehouse, (sql) => this.query(sql));
        listing = { ok: true, epoch: state.epoch, lakehouse: state.lakehouse, tables, snapshot, listedAt };
      } catch (error) {
        // The listing is the canary of the attachment: when it fails, re-attach on the next request.
        this.suspect = true;
        this.logger.warn({ error: describeError(error) }, 'could not list the curated tables');
        listing = { ok: false, problem: { kind: 'query-failed', message: `Cannot read the table catalog ${this.location}: ${describeError(error)}` }, listedAt };
      }
    }
    this.listing = listing;
    return listing;
  }

  private async check(): Promise<CatalogState> {
    const state = await this.resolve();
    this.last = { state, at: Date.now() };
    return state;
  }

  private async resolve(): Promise<CatalogState> {
    const catalog = this.options.catalog;
    let identity: string | null;
    try {
      identity = catalog.kind === 'sqlite' ? await fileIdentity(catalog.path) : null;
    } catch (error) {
      return { kind: 'failed', message: `Cannot open the table catalog ${this.location}: ${describeError(error)}` };
    }
    if (catalog.kind === 'sqlite' && identity === null) {
      if (this.attached !== undefined) {
        this.logger.warn({ catalog: this.location }, 'the catalog file is gone; detaching');
        await this.detach();
      }
      return { kind: 'absent', message: `No data yet: the table catalog ${this.location} does not exist (the normalizer creates it).` };
    }
    if (this.attached !== undefined) {
      if (!this.suspect && this.attached.identity === identity) return { kind: 'attached', lakehouse: this.attached.lakehouse, epoch: this.attached.epoch };
      this.logger.info({ catalog: this.location, replaced: this.attached.identity !== identity }, 're-attaching the catalog');
      await this.detach();
    }
    this.suspect = false;
    try {
      const engine = await this.options.engine();
      // ATTACH IF NOT EXISTS would silently keep an attachment a failed detach left behind.
      await engine.run(`DETACH DATABASE IF EXISTS ${ALIAS}`);
      const lakehouse = await Lakehouse.attach({ engine, catalog, alias: ALIAS, dataPath: this.options.dataPath, logger: this.options.logger, readOnly: true });
      this.epochs += 1;
      this.attached = { lakehouse, identity, epoch: this.epochs };
      return { kind: 'attached', lakehouse, epoch: this.epochs };
    } catch (error) {
      this.logger.warn({ catalog: this.location, error: describeError(error) }, 'cannot attach the catalog yet; retrying on a later request');
      return { kind: 'failed', message: `Cannot open the table catalog ${this.location}: ${describeError(error)}` };
    }
  }

  private async detach(): Promise<void> {
    const attached = this.attached;
    this.attached = undefined;
    this.listing = undefined;
    if (attached !== undefined) await attached.lakehouse.close();
  }
}

/** SQLite's single-writer lock, met by a reader while the normalizer commits: worth a retry. */
export function isCatalogBusy(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth += 1) {
    if (/database is locked|database is busy|SQLITE_BUSY/i.test(current.message)) return true;
  }
  return false;
}

/** Device and inode of a file, or null when it does not exist: a replaced file gets a new identity. */
async function fileIdentity(path: string): Promise<string | null> {
  try {
    const info = await stat(path);
    return `${info.dev}:${info.ino}`;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw error;
  }
}
