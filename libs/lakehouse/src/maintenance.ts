import { sqlIdentifier, type Logger } from '@fluxo/schema';
import type { Lakehouse } from './lakehouse';
import type { TableSpec } from './table-spec';

export interface MaintenancePolicy {
  /** Small files of a partition are merged into files up to this size. */
  readonly targetFileBytes: number;
  /** Snapshots older than this are expired (time travel reaches this far back). */
  readonly snapshotRetentionMs: number;
  /**
   * Files no snapshot references are deleted this long after they stopped being referenced, and
   * files no commit ever referenced (a writer killed mid-write) this long after they were written.
   * Longer than any reader's longest query, so a running query never loses a file.
   */
  readonly fileDeletionGraceMs: number;
  /** Per table, rows whose event time is older than this are deleted. Unset: kept forever. */
  readonly retentionMs?: Readonly<Record<string, number>>;
}

export interface MaintenanceReport {
  readonly retainedDeletes: number;
  readonly filesBefore: number;
  readonly filesAfter: number;
  readonly durationMs: number;
}

export const DEFAULT_MAINTENANCE_POLICY: MaintenancePolicy = {
  targetFileBytes: 64 * 1024 * 1024,
  snapshotRetentionMs: 60 * 60 * 1000,
  fileDeletionGraceMs: 10 * 60 * 1000,
};

/**
 * One round of table maintenance, safe while writers and readers run (each step is its own
 * catalog transaction; readers keep their snapshot's files until the grace period has passed):
 * retention deletes → rewrite files holding deletes → merge small files per partition → expire old
 * snapshots → delete files no snapshot references → delete orphaned
 * files left by killed writers. A kill at any point leaves the catalog at some committed state.
 */
export async function maintain(lakehouse: Lakehouse, tables: readonly TableSpec[], policy: MaintenancePolicy, logger: Logger): Promise<MaintenanceReport> {
  const started = Date.now();
  const alias = lakehouse.alias;
  logger.debug({ tables: tables.map((t) => t.name) }, 'table maintenance started');
  const filesBefore = await countFiles(lakehouse, tables);
  let retainedDeletes = 0;
  for (const spec of tables) {
    const ageMs = policy.retentionMs?.[spec.name];
    if (ageMs === undefined) continue;
    const [deleted] = await lakehouse.commit(`retention ${spec.name}`, (tx) =>
      tx.all<{ Count: number }>(`DELETE FROM ${lakehouse.table(spec.name)} WHERE ${sqlIdentifier(spec.eventTimeColumn)} < now() - INTERVAL ${ms(ageMs)} MILLISECOND`),
    );
    retainedDeletes += Number(deleted?.Count ?? 0);
  }
  // Files holding deleted rows (retention, and the consumer progress, which replaces its row each commit).
  await lakehouse.commit('rewrite deleted', (tx) => tx.run(`CALL ducklake_rewrite_data_files('${alias}')`));
  await lakehouse.commit('merge small files', (tx) => tx.run(`CALL ducklake_merge_adjacent_files('${alias}', max_file_size => ${ms(policy.targetFileBytes)})`));
  await lakehouse.commit('expire snapshots', (tx) => tx.run(`CALL ducklake_expire_snapshots('${alias}', older_than => now() - INTERVAL ${ms(policy.snapshotRetentionMs)} MILLISECOND)`));
  await lakehouse.commit('delete unreferenced files', (tx) => tx.run(`CALL ducklake_cleanup_old_files('${alias}', older_than => now() - INTERVAL ${ms(policy.fileDeletionGraceMs)} MILLISECOND)`));
  await lakehouse.commit('delete orphaned files', (tx) => tx.run(`CALL ducklake_delete_orphaned_files('${alias}', older_than => now() - INTERVAL ${ms(policy.fileDeletionGraceMs)} MILLISECOND)`));
  const report = { retainedDeletes, filesBefore, filesAfter: await countFiles(lakehouse, tables), durationMs: Date.now() - started };
  logger.info(report, 'table maintenance done');
  return report;
}

async function countFiles(lakehouse: Lakehouse, tables: readonly TableSpec[]): Promise<number> {
  let total = 0;
  for (const spec of tables) total += (await lakehouse.dataFiles(spec.name)).length;
  return total;
}

function ms(value: number): number {
  return Math.max(0, Math.trunc(value));
}
