import { relative } from 'node:path';
import { describeError, sqlString, type DefinitionCatalog, type DatasetDefinition } from '@fluxo/schema';
import type { Lakehouse } from '@fluxo/lakehouse';
import type { Loaded, WidgetProblem } from '../definitions';
import type { CuratedTables, TableListing } from './curated-tables';
import { cleanReason, FooterCache, type EngineProvider } from './footer-cache';
import { LakeScanner } from './lake-scanner';
import type { CuratedTable } from './table-listing';

/** One dataset's table in the catalog's current snapshot, or why it cannot be read. */
export interface DatasetTable {
  readonly dataset: string;
  /** The table, when the catalog holds it. */
  readonly table: CuratedTable | null;
  /** The attached catalog (for its metadata tables), when there is one. */
  readonly lakehouse: Lakehouse | null;
  /** Why there is no table to read: no catalog yet, no such table, or a catalog that cannot be read. */
  readonly problem: WidgetProblem | null;
  /** Changes whenever the table changes: the key of cached query results. */
  readonly signature: string;
}

export interface LakeDataOptions {
  /** The lake's root (raw/, curated/, quarantine/). */
  readonly root: string;
  readonly engine: EngineProvider;
  readonly tables: CuratedTables;
  readonly catalog: () => Promise<DefinitionCatalog>;
  /** The raw and quarantine listings are reused this long. Default 1 s. */
  readonly scanMaxAgeMs?: number;
  /** On a lake on S3 (issue 12): its `s3://bucket[/prefix]` root, whose raw objects are listed through the engine (quarantine stays under `root`). */
  readonly objectRoot?: string;
  /**
   * A cached result whose table changed is still served while less than this many times its own
   * computation time has passed since it was computed (0: always recompute), and never longer than
   * `maxStaleMs`. Bounds the share of the CPU that views over large, busy tables take; the next
   * request or tick recomputes. Default 0.
   */
  readonly recomputeBackoff?: number;
  /** The longest a result is served after its table changed (see `recomputeBackoff`). Default 3 s. */
  readonly maxStaleMs?: number;
}

/**
 * Read access to the lake for the dashboard: curated data only through the catalog's tables
 * (`fluxo.main."<dataset>"`, current snapshot), raw and quarantine files from a cached listing and
 * their footers, and a small result cache keyed by each table's signature, so a page re-renders
 * without re-querying when nothing changed.
 */
export class LakeData {
  readonly scanner: LakeScanner;
  readonly footers: FooterCache;
  private readonly results = new Map<string, { signature: string; value: Promise<unknown>; computedAt: number; durationMs: number }>();

  constructor(private readonly options: LakeDataOptions) {
    this.scanner = new LakeScanner(options.root, options.scanMaxAgeMs, options.objectRoot === undefined ? undefined : { root: options.objectRoot, engine: options.engine });
    this.footers = new FooterCache(options.engine);
  }

  get root(): string {
    return this.options.root;
  }

  get tables(): CuratedTables {
    return this.options.tables;
  }

  catalog(): Promise<DefinitionCatalog> {
    return this.options.catalog();
  }

  /** The current tables (cached briefly; see CuratedTables). */
  listTables(): Promise<TableListing> {
    return this.options.tables.list();
  }

  /** Forget cached listings: a new curated file was announced. */
  invalidate(): void {
    this.scanner.invalidate();
    this.options.tables.invalidate();
  }

  /** The dataset's definition, or undefined when it is only present in the catalog. */
  async definition(dataset: string): Promise<DatasetDefinition | undefined> {
    const catalog = await this.catalog();
    return catalog.datasetNames().includes(dataset) ? catalog.dataset(dataset) : undefined;
  }

  /** Datasets that are defined or have a table in the catalog, sorted. */
  async datasetNames(): Promise<string[]> {
    const [catalog, listing] = await Promise.all([this.catalog(), this.listTables()]);
    const names = new Set([...catalog.datasetNames(), ...(listing.ok ? listing.tables.keys() : [])]);
    return [...names].sort();
  }

  async dataset(dataset: string): Promise<DatasetTable> {
    const listing = await this.listTables();
    if (!listing.ok) return { dataset, table: null, lakehouse: null, problem: listing.problem, signature: `${listing.problem.kind}:${listing.problem.message}` };
    const table = listing.tables.get(dataset) ?? null;
    const lakehouse = listing.lakehouse;
    if (table === null) {
      return { dataset, table, lakehouse, problem: { kind: 'no-data', message: `No data yet: the catalog has no table main.${dataset}.` }, signature: `missing:${listing.epoch}` };
    }
    return { dataset, table, lakehouse, problem: null, signature: `${listing.epoch}:${table.signature}` };
  }

  /** A read of the curated tables (retried while the catalog is briefly locked by a committing writer). */
  async query<T extends object>(sql: string): Promise<T[]> {
    return this.options.tables.query<T>(sql);
  }

  /** Memoizes `compute` for (key, signature); a failed computation is not kept. */
  cached<T>(key: string, signature: string, compute: () => Promise<T>): Promise<T> {
    const hit = this.results.get(key);
    if (hit !== undefined) {
      if (hit.signature === signature) return hit.value as Promise<T>;
      const holdMs = Math.min((this.options.recomputeBackoff ?? 0) * hit.durationMs, this.options.maxStaleMs ?? 3_000);
      if (hit.durationMs >= 0 && sameAttachment(hit.signature, signature) && Date.now() - hit.computedAt < holdMs) return hit.value as Promise<T>;
    }
    const started = Date.now();
    const entry = { signature, value: compute() as Promise<unknown>, computedAt: started, durationMs: -1 };
    this.results.set(key, entry);
    entry.value.then(
      () => {
        entry.durationMs = Date.now() - started;
        entry.computedAt = Date.now();
      },
      () => {
        if (this.results.get(key) === entry) this.results.delete(key);
      },
    );
    if (this.results.size > 500) this.results.delete(this.results.keys().next().value ?? key);
    return entry.value as Promise<T>;
  }

  /**
   * Runs one widget's query over a dataset's table and turns every expected failure into a message for
   * that widget: no catalog or table yet, an empty table, an unreadable data file (named), or a failing query.
   */
  async load<T>(dataset: DatasetTable, compute: (table: CuratedTable) => Promise<T | null>, noData?: string): Promise<Loaded<T>> {
    if (dataset.table === null || dataset.problem !== null) {
      const problem = dataset.problem ?? { kind: 'no-data' as const, message: `No data yet: the catalog has no table main.${dataset.dataset}.` };
      return { ok: false, problem: problem.kind === 'no-data' && noData !== undefined ? { ...problem, message: noData } : problem, warnings: [] };
    }
    if (dataset.table.rows === 0) {
      return { ok: false, problem: { kind: 'no-data', message: noData ?? `No data yet: the table main.${dataset.dataset} has no rows.` }, warnings: [] };
    }
    try {
      const data = await compute(dataset.table);
      if (data === null) return { ok: false, problem: { kind: 'no-data', message: noData ?? `No ${dataset.dataset} rows match.` }, warnings: [] };
      return { ok: true, data, warnings: [] };
    } catch (error) {
      return { ok: false, problem: this.problemOf(dataset.dataset, error), warnings: [] };
    }
  }

  /** A failed read: an unreadable data file of the table is named (lake-relative), anything else is a failed query. */
  problemOf(dataset: string, error: unknown): WidgetProblem {
    const message = describeError(error);
    const file = /['"](\/[^'"]+\.parquet)['"]/.exec(message)?.[1];
    if (file !== undefined && /IO Error|Invalid Input Error|Cannot open file|footer|magic bytes|Corrupt|No such file/i.test(message)) {
      const uri = relative(this.root, file).split('\\').join('/');
      return { kind: 'broken-file', message: `Could not read ${dataset}: unreadable data file ${uri.startsWith('..') ? file.split('/').pop() : uri} (${cleanReason(message)})` };
    }
    return { kind: 'query-failed', message: `Could not read ${dataset}: ${cleanReason(message)}` };
  }
}

/**
 * Whether two signatures describe the same table of the same catalog attachment (`<epoch>:<table…>`):
 * only then may an older result be held; never across a re-attach, nor once the table or catalog is gone.
 */
function sameAttachment(a: string, b: string): boolean {
  const epoch = a.slice(0, a.indexOf(':'));
  return /^\d+$/.test(epoch) && b.startsWith(`${epoch}:`);
}

/** Quotes an identifier for DuckDB. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A TIMESTAMPTZ literal. */
export function tsLiteral(iso: string): string {
  return `TIMESTAMPTZ ${sqlString(iso)}`;
}

export function num(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const result = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(result) ? result : null;
}

export function str(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}
