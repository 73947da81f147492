import { describeError, type DefinitionCatalog, type DatasetDefinition } from '@fluxo/schema';
import { sqlString, type ParquetEngine } from '@fluxo/parquet-io';
import type { Loaded } from '../definitions';
import { cleanReason, FooterCache } from './footer-cache';
import { LakeScanner, signatureOf, type LakeFile } from './lake-scanner';

/** The readable files of one curated dataset, and the ones skipped because they are broken. */
export interface DatasetFiles {
  readonly dataset: string;
  readonly files: readonly LakeFile[];
  readonly broken: readonly { readonly uri: string; readonly reason: string }[];
  /** Rows per readable file (from the footers). */
  readonly rows: number;
  readonly bytes: number;
  /** Changes whenever the dataset's files change: the key of cached query results. */
  readonly signature: string;
}

export interface LakeDataOptions {
  readonly root: string;
  readonly engine: () => Promise<ParquetEngine>;
  readonly catalog: () => Promise<DefinitionCatalog>;
  readonly scanMaxAgeMs?: number;
}

/**
 * Read access to the lake for the dashboard: the file listing, footers, one `read_parquet` source per
 * dataset that leaves broken files out (and says so), and a small result cache keyed by the dataset's
 * file signature, so a page re-renders without re-querying when nothing changed.
 */
export class LakeData {
  readonly scanner: LakeScanner;
  readonly footers: FooterCache;
  private readonly results = new Map<string, { signature: string; value: Promise<unknown> }>();

  constructor(private readonly options: LakeDataOptions) {
    this.scanner = new LakeScanner(options.root, options.scanMaxAgeMs);
    this.footers = new FooterCache(options.engine);
  }

  get root(): string {
    return this.options.root;
  }

  engine(): Promise<ParquetEngine> {
    return this.options.engine();
  }

  catalog(): Promise<DefinitionCatalog> {
    return this.options.catalog();
  }

  /** The dataset's definition, or undefined when it is only present in the lake. */
  async definition(dataset: string): Promise<DatasetDefinition | undefined> {
    const catalog = await this.catalog();
    return catalog.datasetNames().includes(dataset) ? catalog.dataset(dataset) : undefined;
  }

  /** Datasets that are defined or have curated files, sorted. */
  async datasetNames(): Promise<string[]> {
    const [catalog, listing] = await Promise.all([this.catalog(), this.scanner.list()]);
    const names = new Set([...catalog.datasetNames(), ...listing.files.filter((file) => file.zone === 'curated').map((file) => file.name)]);
    return [...names].sort();
  }

  async dataset(dataset: string): Promise<DatasetFiles> {
    const listing = await this.scanner.list();
    const candidates = listing.files.filter((file) => file.zone === 'curated' && file.name === dataset).sort((a, b) => a.uri.localeCompare(b.uri));
    const footers = await this.footers.inspect(candidates);
    const files: LakeFile[] = [];
    const broken: { uri: string; reason: string }[] = [];
    let rows = 0;
    for (const file of candidates) {
      const footer = footers.get(file.path);
      if (footer?.ok === true) {
        files.push(file);
        rows += footer.rows;
      } else {
        broken.push({ uri: file.uri, reason: footer?.ok === false ? footer.reason : 'unreadable' });
      }
    }
    return { dataset, files, broken, rows, bytes: files.reduce((sum, file) => sum + file.bytes, 0), signature: signatureOf(candidates) };
  }

  /** `read_parquet([...])` over the given files, columns unified by name (no Hive partition column). */
  source(files: readonly LakeFile[], options: { filename?: boolean } = {}): string {
    const list = files.map((file) => sqlString(file.path)).join(', ');
    return `read_parquet([${list}], union_by_name = true, hive_partitioning = false${options.filename === true ? ', filename = true' : ''})`;
  }

  async query<T extends object>(sql: string): Promise<T[]> {
    return (await this.engine()).all<T>(sql);
  }

  /** Memoizes `compute` for (key, signature); a failed computation is not kept. */
  cached<T>(key: string, signature: string, compute: () => Promise<T>): Promise<T> {
    const hit = this.results.get(key);
    if (hit !== undefined && hit.signature === signature) return hit.value as Promise<T>;
    const value = compute();
    this.results.set(key, { signature, value });
    value.catch(() => {
      if (this.results.get(key)?.value === value) this.results.delete(key);
    });
    if (this.results.size > 500) this.results.delete(this.results.keys().next().value ?? key);
    return value;
  }

  /**
   * Runs one widget's query over a dataset and turns every expected failure into a message for that
   * widget: no files yet, only broken files, or a failing query. Broken files that were skipped are
   * reported as warnings next to the data.
   */
  async load<T>(files: DatasetFiles, compute: (source: string) => Promise<T | null>, noData?: string): Promise<Loaded<T>> {
    const warnings = files.broken.map((file) => `Skipped unreadable file ${file.uri}: ${file.reason}`);
    if (files.files.length === 0) {
      if (files.broken.length > 0) {
        return { ok: false, problem: { kind: 'broken-file', message: `Every file of ${files.dataset} is unreadable (${files.broken.length}).` }, warnings };
      }
      return { ok: false, problem: { kind: 'no-data', message: noData ?? `No data yet: no curated files under curated/${files.dataset}/.` }, warnings };
    }
    try {
      const data = await compute(this.source(files.files));
      if (data === null) return { ok: false, problem: { kind: 'no-data', message: noData ?? `No ${files.dataset} rows match.` }, warnings };
      return { ok: true, data, warnings };
    } catch (error) {
      return { ok: false, problem: { kind: 'query-failed', message: `Could not read ${files.dataset}: ${cleanReason(describeError(error))}` }, warnings };
    }
  }
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
