import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '@fluxo/schema';
import { sqlIdentifier, sqlString, type Lake, type ParquetEngine } from '@fluxo/parquet-io';

/** One dataset's ledger: its tables and the ids of the raw files (origins) it has seen. */
interface DatasetLedger {
  readonly versions: string;
  readonly origins: string;
  readonly originIds: Map<string, number>;
}

/**
 * Which (record key, version) pairs each dataset already holds, and which raw file brought them.
 * It keeps the curated invariant across files: a version already curated from another raw file is
 * not written again, while a replay of the same raw file rewrites its own rows. It is derived
 * state: loaded from the curated files on first use of a dataset, and reloaded after a rebalance,
 * when another normalizer may have written files meanwhile.
 *
 * Layout, chosen for speed and memory (bench/README.md, docs/decisions/0006-benchmark.md): one table
 * per dataset without a primary key — `(h UBIGINT, record_key, record_version, origin INTEGER)`, `h`
 * being DuckDB's `hash(record_key, record_version)` and `origin` a small integer id of the raw file.
 * Lookups first semi-join the ledger with the batch on `h` alone (an integer hash join, so the ledger
 * is never re-hashed as strings), then compare the exact strings on the few candidates: a hash
 * collision can never drop a row. A replayed raw file replaces its own rows (delete by origin, insert).
 */
export class VersionLedger {
  private readonly datasets = new Map<string, DatasetLedger>();
  private readonly loaded = new Set<string>();

  constructor(
    private readonly engine: ParquetEngine,
    private readonly lake: Lake,
    private readonly logger: Logger,
  ) {}

  /**
   * Creates `intoTable` with the rows of `batchTable` (which has `_record_key`, `_record_version`)
   * whose version the dataset already holds from a raw file other than `rawUri`.
   */
  async findCuratedElsewhere(dataset: string, rawUri: string, batchTable: string, intoTable: string): Promise<void> {
    const ledger = await this.prepare(dataset);
    const origin = ledger.originIds.get(rawUri) ?? -1;
    await this.engine.run(
      `CREATE OR REPLACE TEMP TABLE ${intoTable} AS ` +
        `WITH candidates AS (SELECT l.* FROM ${ledger.versions} l SEMI JOIN (SELECT hash(_record_key, _record_version) AS h FROM ${batchTable}) b ON l.h = b.h WHERE l.origin <> ${origin}) ` +
        `SELECT DISTINCT b._record_key, b._record_version FROM ${batchTable} b JOIN candidates c ON c.record_key = b._record_key AND c.record_version = b._record_version`,
    );
  }

  /** Records the versions a raw file contributed (from a table with `_record_key`, `_record_version`). */
  async record(dataset: string, rawUri: string, fromTable: string): Promise<void> {
    const ledger = await this.prepare(dataset);
    let origin = ledger.originIds.get(rawUri);
    if (origin === undefined) {
      origin = ledger.originIds.size + 1;
      ledger.originIds.set(rawUri, origin);
      await this.engine.run(`INSERT INTO ${ledger.origins} VALUES (${origin}, ${sqlString(rawUri)})`);
    } else {
      await this.engine.run(`DELETE FROM ${ledger.versions} WHERE origin = ${origin}`);
    }
    await this.engine.run(
      `INSERT INTO ${ledger.versions} SELECT hash(_record_key, _record_version), _record_key, _record_version, ${origin} FROM ${fromTable}`,
    );
  }

  /** Forgets everything; the next use of each dataset reloads it from the lake. */
  invalidate(): void {
    this.loaded.clear();
  }

  private async prepare(dataset: string): Promise<DatasetLedger> {
    let ledger = this.datasets.get(dataset);
    if (ledger === undefined) {
      const index = this.datasets.size;
      ledger = { versions: sqlIdentifier(`version_ledger_${index}`), origins: sqlIdentifier(`version_ledger_origins_${index}`), originIds: new Map() };
      this.datasets.set(dataset, ledger);
    }
    if (!this.loaded.has(dataset)) {
      await this.load(dataset, ledger);
      this.loaded.add(dataset);
    }
    return ledger;
  }

  private async load(dataset: string, ledger: DatasetLedger): Promise<void> {
    const started = Date.now();
    await this.engine.run(
      `CREATE OR REPLACE TABLE ${ledger.versions} (h UBIGINT NOT NULL, record_key VARCHAR NOT NULL, record_version VARCHAR NOT NULL, origin INTEGER NOT NULL); ` +
        `CREATE OR REPLACE TABLE ${ledger.origins} (id INTEGER NOT NULL, uri VARCHAR NOT NULL)`,
    );
    ledger.originIds.clear();
    const dir = join(this.lake.root, 'curated', dataset);
    if (!(await hasParquet(dir))) return;
    const files = `read_parquet(${sqlString(join(dir, '*', '*.parquet'))}, union_by_name = true)`;
    await this.engine.run(`INSERT INTO ${ledger.origins} SELECT row_number() OVER (ORDER BY uri)::INTEGER, uri FROM (SELECT DISTINCT _raw_uri AS uri FROM ${files} WHERE _raw_uri IS NOT NULL)`);
    for (const row of await this.engine.all<{ id: number; uri: string }>(`SELECT id, uri FROM ${ledger.origins}`)) ledger.originIds.set(row.uri, row.id);
    await this.engine.run(
      `INSERT INTO ${ledger.versions} SELECT DISTINCT hash(c._record_key, c._record_version), c._record_key, c._record_version, o.id ` +
        `FROM ${files} c JOIN ${ledger.origins} o ON o.uri = c._raw_uri`,
    );
    const [row] = await this.engine.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${ledger.versions}`);
    this.logger.info({ dataset, versions: row?.n ?? 0, ms: Date.now() - started }, 'version ledger loaded from curated files');
  }
}

async function hasParquet(dir: string): Promise<boolean> {
  try {
    for (const partition of await readdir(dir)) {
      const files = await readdir(join(dir, partition)).catch(() => []);
      if (files.some((name) => name.endsWith('.parquet'))) return true;
    }
    return false;
  } catch {
    return false;
  }
}
