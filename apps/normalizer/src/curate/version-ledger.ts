import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '@fluxo/schema';
import { sqlString, type Lake, type ParquetEngine } from '@fluxo/parquet-io';

/**
 * Which (record key, version) pairs each dataset already holds, and which raw file brought them.
 * It keeps the curated invariant across files: a version already curated from another raw file is
 * not written again, while a replay of the same raw file rewrites its own rows. It is derived
 * state: loaded from the curated files on first use of a dataset, and reloaded after a rebalance,
 * when another normalizer may have written files meanwhile.
 */
export class VersionLedger {
  private readonly loaded = new Set<string>();
  private created = false;

  constructor(
    private readonly engine: ParquetEngine,
    private readonly lake: Lake,
    private readonly logger: Logger,
  ) {}

  /** The table name to anti-join against; loads the dataset's curated files the first time. */
  async tableFor(dataset: string): Promise<string> {
    await this.create();
    if (!this.loaded.has(dataset)) {
      await this.load(dataset);
      this.loaded.add(dataset);
    }
    return 'version_ledger';
  }

  /** Records the versions a raw file contributed (from a table with `_record_key`, `_record_version`). */
  async record(dataset: string, rawUri: string, fromTable: string): Promise<void> {
    await this.engine.run(
      `INSERT OR IGNORE INTO version_ledger SELECT ${sqlString(dataset)}, _record_key, _record_version, ${sqlString(rawUri)} FROM ${fromTable}`,
    );
  }

  /** Forgets everything; the next use of each dataset reloads it from the lake. */
  invalidate(): void {
    this.loaded.clear();
  }

  private async create(): Promise<void> {
    if (this.created) return;
    await this.engine.run(
      `CREATE TABLE IF NOT EXISTS version_ledger (dataset VARCHAR, record_key VARCHAR, record_version VARCHAR, origin VARCHAR, PRIMARY KEY (dataset, record_key, record_version))`,
    );
    this.created = true;
  }

  private async load(dataset: string): Promise<void> {
    const dir = join(this.lake.root, 'curated', dataset);
    if (!(await hasParquet(dir))) return;
    const started = Date.now();
    await this.engine.run(`DELETE FROM version_ledger WHERE dataset = ${sqlString(dataset)}`);
    await this.engine.run(
      `INSERT OR IGNORE INTO version_ledger SELECT ${sqlString(dataset)}, _record_key, _record_version, _raw_uri ` +
        `FROM read_parquet(${sqlString(join(dir, '*', '*.parquet'))}, union_by_name = true)`,
    );
    const [row] = await this.engine.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM version_ledger WHERE dataset = ${sqlString(dataset)}`);
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
