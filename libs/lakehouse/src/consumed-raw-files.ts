import { sqlString } from '@fluxo/schema';
import type { Lakehouse } from './lakehouse';
import type { SqlSession } from './sql-engine';

const SCHEMA = 'fluxo_meta';
const TABLE = 'consumed_raw_files';

/**
 * Which raw files each consumer group has committed, recorded in the same catalog transaction as
 * the rows curated from them. Raw-zone retention deletes a raw file only once every configured
 * group has it here; then its rows go too, so the table follows the retention window, not history.
 */
export class ConsumedRawFiles {
  constructor(private readonly lakehouse: Lakehouse) {}

  private get table(): string {
    return this.lakehouse.table(TABLE, SCHEMA);
  }

  async ensure(): Promise<void> {
    await this.lakehouse.commit('create consumed raw files', async (tx) => {
      await tx.run(`CREATE SCHEMA IF NOT EXISTS ${this.lakehouse.alias}.${SCHEMA}`);
      await tx.run(`CREATE TABLE IF NOT EXISTS ${this.table} (consumer_group VARCHAR NOT NULL, uri VARCHAR NOT NULL, committed_at TIMESTAMPTZ NOT NULL)`);
    });
  }

  /** Inside a commit: `group` has consumed these raw files (lake URIs). */
  async record(tx: SqlSession, group: string, uris: readonly string[]): Promise<void> {
    if (uris.length === 0) return;
    await tx.run(`INSERT INTO ${this.table} VALUES ${uris.map((uri) => `(${sqlString(group)}, ${sqlString(uri)}, now())`).join(', ')}`);
  }

  /** For each of `uris`, the groups (among `groups`) that consumed it. */
  async consumers(uris: readonly string[], groups: readonly string[]): Promise<Map<string, Set<string>>> {
    const result = new Map<string, Set<string>>(uris.map((uri) => [uri, new Set<string>()]));
    if (uris.length === 0 || groups.length === 0) return result;
    const rows = await this.lakehouse.engine.all<{ uri: string; consumer_group: string }>(
      `SELECT DISTINCT uri, consumer_group FROM ${this.table} WHERE uri IN (${uris.map(sqlString).join(', ')}) AND consumer_group IN (${groups.map(sqlString).join(', ')})`,
    );
    for (const row of rows) result.get(row.uri)?.add(row.consumer_group);
    return result;
  }

  /** Forgets deleted raw files. */
  async forget(uris: readonly string[]): Promise<void> {
    if (uris.length === 0) return;
    await this.lakehouse.commit('forget raw files', (tx) => tx.run(`DELETE FROM ${this.table} WHERE uri IN (${uris.map(sqlString).join(', ')})`));
  }
}
