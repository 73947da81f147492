import { describeError, sqlString } from '@fluxo/schema';
import type { Lakehouse } from '@fluxo/lakehouse';
import { cleanReason } from './footer-cache';
import type { CuratedTable } from './table-listing';

/** What one commit inserted into one table. */
export interface CommitMeasure {
  readonly rows: number;
  /** Data files the commit added (as the catalog still lists them: compaction may have merged some since). */
  readonly files: number;
  /** The oldest `_fetched_at` among the inserted rows (ms), null when the table has no such column. */
  readonly oldestFetchMs: number | null;
}

/** A commit (snapshot) that inserted rows into a table. */
export interface InsertCommit {
  readonly table: string;
  readonly snapshotId: number;
  /** Commit time, ms since the epoch. */
  readonly at: number;
  /** Null until measured (only commits inside the window or among the latest ones are). */
  readonly measure: CommitMeasure | null;
}

export interface CommitLogRead {
  /** Per table name, its insert commits in snapshot order: those of the window, the latest overall, and its last one. */
  readonly commits: ReadonlyMap<string, readonly InsertCommit[]>;
  readonly warnings: readonly string[];
}

type Query = <T extends object>(sql: string) => Promise<T[]>;

/** How many of the newest snapshots the first read looks at (later reads only look at new ones). */
const FIRST_READ_SNAPSHOTS = 20_000;

interface TableLog {
  commits: InsertCommit[];
}

/**
 * The normalizer's activity as the catalog records it: every snapshot names the tables it inserted into
 * (`inserted_into_table:<id>`, or `inlined_insert:<id>` for rows a writer inlined into the catalog); rows per commit and the oldest `_fetched_at` come from DuckLake's change
 * feed (`table_changes`), which keeps each row's snapshot through compaction. Incremental: each read
 * looks at the snapshots committed since the previous one and measures only the new commits, so its cost
 * follows the recent work, not the history. Reset when the catalog is re-attached (`epoch`).
 */
export class CommitLog {
  private epoch = -1;
  private lastSnapshot = -1;
  private readonly byTable = new Map<number, TableLog>();

  constructor(
    private readonly windowMs: number,
    private readonly keepLatest: number,
  ) {}

  /**
   * `tables` is a listing read at snapshot `listedSnapshot`: an insert into a table it does not show is
   * a table created since (read again next time) if the snapshot is newer, else a table dropped since.
   */
  async read(lakehouse: Lakehouse, epoch: number, tables: ReadonlyMap<string, CuratedTable>, listedSnapshot: number, query: Query, now: number): Promise<CommitLogRead> {
    if (epoch !== this.epoch) {
      this.epoch = epoch;
      this.lastSnapshot = -1;
      this.byTable.clear();
    }
    const meta = lakehouse.metadata;
    const [range] = await query<{ oldest: number | null; newest: number | null }>(
      `SELECT min(snapshot_id)::BIGINT AS oldest, max(snapshot_id)::BIGINT AS newest FROM ${meta}.ducklake_snapshot`,
    );
    // The first read looks back a bounded number of snapshots, whatever the history the catalog keeps.
    if (this.lastSnapshot < 0) this.lastSnapshot = Math.max(-1, Number(range?.newest ?? 0) - FIRST_READ_SNAPSHOTS);
    const snapshots = await query<{ id: number; at: string; changes: string | null }>(
      `SELECT s.snapshot_id::BIGINT AS id, s.snapshot_time::TIMESTAMPTZ AS at, c.changes_made AS changes FROM ${meta}.ducklake_snapshot s ` +
        `JOIN ${meta}.ducklake_snapshot_changes c ON c.snapshot_id = s.snapshot_id WHERE s.snapshot_id > ${this.lastSnapshot} ORDER BY 1`,
    );
    const byId = new Map([...tables.values()].map((table) => [table.id, table]));
    for (const snapshot of snapshots) {
      const inserts = (snapshot.changes ?? '')
        .split(',')
        .map((change) => /^(?:inserted_into_table|inlined_insert):(\d+)$/.exec(change.trim()))
        .flatMap((match) => (match === null ? [] : [Number(match[1])]));
      // A table created after the listing was read: stop here and read this snapshot again next time.
      if (Number(snapshot.id) > listedSnapshot && inserts.some((tableId) => !byId.has(tableId))) break;
      this.lastSnapshot = Math.max(this.lastSnapshot, Number(snapshot.id));
      for (const tableId of inserts.filter((id) => byId.has(id))) {
        const log = this.byTable.get(tableId) ?? { commits: [] };
        log.commits.push({ table: byId.get(tableId)?.name ?? String(tableId), snapshotId: Number(snapshot.id), at: Date.parse(snapshot.at), measure: null });
        this.byTable.set(tableId, log);
      }
    }
    const wanted = this.prune(now, Number(range?.oldest ?? 0), byId);
    const warnings: string[] = [];
    for (const [tableId, log] of this.byTable) {
      const table = byId.get(tableId);
      const pending = log.commits.filter((commit) => commit.measure === null && wanted.has(commit));
      if (table === undefined || pending.length === 0) continue;
      try {
        const measures = await measure(lakehouse, table, pending, query);
        log.commits = log.commits.map((commit) => (pending.includes(commit) ? { ...commit, measure: measures.get(commit.snapshotId) ?? { rows: 0, files: 0, oldestFetchMs: null } } : commit));
      } catch (error) {
        warnings.push(`Commits of ${table.name}: ${cleanReason(describeError(error))}`);
      }
    }
    const commits = new Map<string, readonly InsertCommit[]>();
    for (const [tableId, log] of this.byTable) {
      const table = byId.get(tableId);
      if (table !== undefined) commits.set(table.name, log.commits.map((commit) => (commit.table === table.name ? commit : { ...commit, table: table.name })));
    }
    return { commits, warnings };
  }

  /**
   * Keeps each table's commits of the window, its last commit, and the latest `keepLatest` overall;
   * forgets tables that are gone and unmeasured commits whose snapshot expired. Returns the commits to measure.
   */
  private prune(now: number, oldestSnapshot: number, tables: ReadonlyMap<number, CuratedTable>): Set<InsertCommit> {
    const since = now - this.windowMs;
    const latest = [...this.byTable.values()]
      .flatMap((log) => log.commits)
      .sort((a, b) => b.snapshotId - a.snapshotId)
      .slice(0, this.keepLatest);
    const wanted = new Set([...latest, ...[...this.byTable.values()].flatMap((log) => log.commits.filter((commit) => commit.at > since))]);
    for (const [tableId, log] of this.byTable) {
      if (!tables.has(tableId)) {
        this.byTable.delete(tableId);
        continue;
      }
      const last = log.commits.at(-1);
      log.commits = log.commits.filter((commit) => (wanted.has(commit) || commit === last) && (commit.measure !== null || commit.snapshotId >= oldestSnapshot));
    }
    return wanted;
  }
}

/** Rows, files and oldest fetch time of some commits of one table: one change-feed query over their snapshot range. */
async function measure(lakehouse: Lakehouse, table: CuratedTable, commits: readonly InsertCommit[], query: Query): Promise<Map<number, CommitMeasure>> {
  const ids = commits.map((commit) => commit.snapshotId);
  const from = Math.min(...ids);
  const to = Math.max(...ids);
  const fetched = table.columns.some((column) => column.name === '_fetched_at') ? 'min(_fetched_at)' : 'NULL::TIMESTAMPTZ';
  const rows = await query<{ id: number; rows: number; oldest: string | null }>(
    `SELECT snapshot_id::BIGINT AS id, count(*)::BIGINT AS rows, ${fetched} AS oldest FROM ${lakehouse.alias}.table_changes(${sqlString(table.name)}, ${from}, ${to}) ` +
      `WHERE change_type = 'insert' GROUP BY 1`,
  );
  const files = await query<{ id: number; files: number }>(
    `SELECT begin_snapshot::BIGINT AS id, count(*)::BIGINT AS files FROM ${lakehouse.metadata}.ducklake_data_file ` +
      `WHERE table_id = ${table.id} AND begin_snapshot BETWEEN ${from} AND ${to} GROUP BY 1`,
  );
  const filesById = new Map(files.map((row) => [Number(row.id), Number(row.files)]));
  const wanted = new Set(ids);
  return new Map(
    rows
      .filter((row) => wanted.has(Number(row.id)))
      .map((row) => [Number(row.id), { rows: Number(row.rows), files: filesById.get(Number(row.id)) ?? 0, oldestFetchMs: row.oldest === null ? null : Date.parse(row.oldest) }]),
  );
}
