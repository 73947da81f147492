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

/** A step that changes nothing when `dryRun` is set: it reports what it would do. */
export interface MaintenanceStepOptions {
  readonly dryRun?: boolean;
}

/** What retention deleted (or would delete), per table. */
export interface RetentionReport {
  readonly rows: number;
  readonly byTable: Readonly<Record<string, number>>;
}

/** What compaction did (or could do) per table. */
export interface CompactionTableReport {
  readonly table: string;
  readonly filesBefore: number;
  /** Data files carrying deleted rows: rewritten without them. */
  readonly filesWithDeletes: number;
  /** Data files below the target size: candidates for merging within their partition. */
  readonly smallFiles: number;
  /** Null in a dry run. */
  readonly filesAfter: number | null;
}

export interface CompactionReport {
  readonly tables: readonly CompactionTableReport[];
  readonly dryRun: boolean;
}

/** What garbage collection removed (or would remove). */
export interface GarbageReport {
  readonly expiredSnapshots: number;
  /** Files no snapshot references any more, past the grace period (absolute paths). */
  readonly unreferencedFiles: readonly string[];
  /** Files no commit ever referenced (killed writers), past the grace period. */
  readonly orphanedFiles: readonly string[];
  readonly dryRun: boolean;
}

/**
 * One round of table maintenance, safe while writers and readers run (each step is its own
 * catalog transaction; readers keep their snapshot's files until the grace period has passed):
 * retention deletes → rewrite files holding deletes → merge small files per partition → expire old
 * snapshots → delete files no snapshot references → delete orphaned
 * files left by killed writers. A kill at any point leaves the catalog at some committed state.
 */
export async function maintain(lakehouse: Lakehouse, tables: readonly TableSpec[], policy: MaintenancePolicy, logger: Logger): Promise<MaintenanceReport> {
  const started = Date.now();
  logger.debug({ tables: tables.map((t) => t.name) }, 'table maintenance started');
  const filesBefore = await countFiles(lakehouse, tables);
  const retention = await applyRetention(lakehouse, tables, policy);
  await compact(lakehouse, tables, policy);
  await collectGarbage(lakehouse, policy);
  const report = { retainedDeletes: retention.rows, filesBefore, filesAfter: await countFiles(lakehouse, tables), durationMs: Date.now() - started };
  logger.info(report, 'table maintenance done');
  return report;
}

/** Deletes, per table with a retention, the rows whose event time is older than it (one commit per table). */
export async function applyRetention(lakehouse: Lakehouse, tables: readonly TableSpec[], policy: MaintenancePolicy, options: MaintenanceStepOptions = {}): Promise<RetentionReport> {
  const byTable: Record<string, number> = {};
  for (const spec of tables) {
    const ageMs = policy.retentionMs?.[spec.name];
    if (ageMs === undefined) continue;
    const where = `${sqlIdentifier(spec.eventTimeColumn)} < now() - ${interval(ageMs)}`;
    const [row] =
      options.dryRun === true
        ? await lakehouse.engine.all<{ Count: number }>(`SELECT count(*)::BIGINT AS "Count" FROM ${lakehouse.table(spec.name)} WHERE ${where}`)
        : await lakehouse.commit(`retention ${spec.name}`, (tx) => tx.all<{ Count: number }>(`DELETE FROM ${lakehouse.table(spec.name)} WHERE ${where}`));
    byTable[spec.name] = Number(row?.Count ?? 0);
  }
  return { rows: Object.values(byTable).reduce((a, b) => a + b, 0), byTable };
}

/**
 * Rewrites data files holding deleted rows (retention, replaced progress rows, reprocessing) and
 * merges small files per partition up to the target size. Readers keep their snapshot meanwhile.
 */
export async function compact(lakehouse: Lakehouse, tables: readonly TableSpec[], policy: MaintenancePolicy, options: MaintenanceStepOptions = {}): Promise<CompactionReport> {
  const alias = lakehouse.alias;
  const before = new Map<string, Omit<CompactionTableReport, 'filesAfter'>>();
  for (const spec of tables) {
    const files = await lakehouse.dataFiles(spec.name);
    before.set(spec.name, {
      table: spec.name,
      filesBefore: files.length,
      filesWithDeletes: files.filter((file) => file.deleteFile !== null).length,
      smallFiles: files.filter((file) => file.bytes < policy.targetFileBytes).length,
    });
  }
  if (options.dryRun !== true) {
    await lakehouse.commit('rewrite deleted', (tx) => tx.run(`CALL ducklake_rewrite_data_files('${alias}')`));
    await lakehouse.commit('merge small files', (tx) => tx.run(`CALL ducklake_merge_adjacent_files('${alias}', max_file_size => ${ms(policy.targetFileBytes)})`));
  }
  const reports: CompactionTableReport[] = [];
  for (const entry of before.values()) {
    reports.push({ ...entry, filesAfter: options.dryRun === true ? null : (await lakehouse.dataFiles(entry.table)).length });
  }
  return { tables: reports, dryRun: options.dryRun === true };
}

/**
 * Expires snapshots older than the retention, then deletes files no snapshot references and files
 * no commit ever referenced, both past the grace period. A dry run lists what is deletable now
 * (files that only the expiry would free are not listed until it ran). DuckLake's orphan listing
 * needs a catalog attached for writing even in a dry run: it runs in a transaction rolled back.
 */
export async function collectGarbage(lakehouse: Lakehouse, policy: MaintenancePolicy, options: MaintenanceStepOptions = {}): Promise<GarbageReport> {
  const alias = lakehouse.alias;
  const dryRun = options.dryRun === true;
  const flag = dryRun ? ', dry_run => true' : '';
  const run = <T extends object>(label: string, sql: string) => (dryRun ? rolledBack<T>(lakehouse, sql) : lakehouse.commit(label, (tx) => tx.all<T>(sql)));
  // Snapshots by id: on an SQLite catalog DuckLake compares `older_than` with the stored times as text
  // ('2026-03-20 09:00…' < '2026-03-20T08:00…'), so every snapshot of the cutoff's day would expire.
  const snapshots = await lakehouse.engine.all<{ id: number }>(
    `SELECT snapshot_id::BIGINT AS id FROM ${alias}.snapshots() WHERE snapshot_time < now() - ${interval(policy.snapshotRetentionMs)} AND snapshot_id < (SELECT max(snapshot_id) FROM ${alias}.snapshots()) ORDER BY 1`,
  );
  const expired =
    snapshots.length === 0 ? [] : await run<{ snapshot_id: number }>('expire snapshots', `CALL ducklake_expire_snapshots('${alias}', versions => [${snapshots.map((row) => Math.trunc(Number(row.id))).join(', ')}]${flag})`);
  const unreferenced = await run<{ path: string }>('delete unreferenced files', `CALL ducklake_cleanup_old_files('${alias}', ${cleanupCutoff(lakehouse, policy.fileDeletionGraceMs)}${flag})`);
  const orphaned = await run<{ path: string }>('delete orphaned files', `CALL ducklake_delete_orphaned_files('${alias}', older_than => now() - ${interval(policy.fileDeletionGraceMs)}${flag})`);
  return { expiredSnapshots: expired.length, unreferencedFiles: unreferenced.map((row) => row.path), orphanedFiles: orphaned.map((row) => row.path), dryRun };
}

/**
 * Which scheduled files `ducklake_cleanup_old_files` may delete. A zero grace deletes all of them.
 * On an SQLite catalog the files' schedule times are compared as text with the cutoff, which makes
 * a cutoff anywhere in a UTC day cover that whole day; so the cutoff is moved back to the end of
 * the previous day: never earlier than the grace period allows, at worst a day late.
 */
function cleanupCutoff(lakehouse: Lakehouse, graceMs: number): string {
  if (graceMs <= 0) return 'cleanup_all => true';
  const cutoff = `now() - ${interval(graceMs)}`;
  return lakehouse.catalogKind === 'sqlite' ? `older_than => date_trunc('day', ${cutoff}) - INTERVAL 1 MICROSECOND` : `older_than => ${cutoff}`;
}

const ROLLBACK = new Error('dry run: roll back');

/** Runs `sql` in a transaction that is always rolled back, and returns its rows. */
async function rolledBack<T extends object>(lakehouse: Lakehouse, sql: string): Promise<T[]> {
  let rows: T[] = [];
  try {
    await lakehouse.engine.transaction('dry run', async (tx) => {
      rows = await tx.all<T>(sql);
      throw ROLLBACK;
    });
  } catch (error) {
    if (error !== ROLLBACK && (error as { cause?: unknown }).cause !== ROLLBACK) throw error;
  }
  return rows;
}

async function countFiles(lakehouse: Lakehouse, tables: readonly TableSpec[]): Promise<number> {
  let total = 0;
  for (const spec of tables) total += (await lakehouse.dataFiles(spec.name)).length;
  return total;
}

/**
 * `INTERVAL (n) MILLISECOND`: the parenthesised form, because DuckDB's parser refuses a bare literal
 * above 2^31 (`INTERVAL 2592000000 MILLISECOND`, i.e. a 30-day retention, is a syntax error).
 */
function interval(milliseconds: number): string {
  return `INTERVAL (${ms(milliseconds)}) MILLISECOND`;
}

function ms(value: number): number {
  return Math.max(0, Math.trunc(value));
}
