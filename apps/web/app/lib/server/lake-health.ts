import { describeError } from '@fluxo/schema';
import type { DatasetFreshness, LatencyReport, Loaded, QuarantineSummary, StageName, StageRate, StorageReport, StorageRow, Throughput, ThroughputPoint, WidgetProblem } from '../definitions';
import { CommitLog, type CommitLogRead, type InsertCommit } from './commit-log';
import type { TableListing } from './curated-tables';
import { cleanReason } from './footer-cache';
import { ident, type LakeData } from './lake-data';
import type { LakeFile } from './lake-scanner';

const RATE_WINDOW_S = 60;
const MINUTES_CHARTED = 30;
const LATENCY_COMMITS = 50;

export interface LakeHealth {
  readonly throughput: Loaded<Throughput>;
  readonly storage: Loaded<StorageReport>;
  readonly quarantine: Loaded<QuarantineSummary>;
  readonly freshness: Loaded<readonly DatasetFreshness[]>;
  readonly latency: Loaded<LatencyReport>;
}

interface Activity extends CommitLogRead {
  readonly problem: WidgetProblem | null;
}

/**
 * Pipeline health as the lake and the catalog show it, independent of Kafka (it keeps working when the
 * broker is down and after a dashboard restart): ingest rates from raw file times and footers; the
 * normalizer's rates, totals and fetched → committed latency from the catalog's snapshots and the
 * tables' change feed; bytes per zone (curated: the catalog's data files); quarantined files; freshness
 * per table from its column statistics.
 */
export class LakeHealthReader {
  private readonly commits = new CommitLog(MINUTES_CHARTED * 60_000, LATENCY_COMMITS);

  constructor(private readonly lake: LakeData) {}

  async read(now = Date.now()): Promise<LakeHealth> {
    let files: readonly LakeFile[];
    try {
      files = (await this.lake.scanner.list()).files;
    } catch (error) {
      const failed = { ok: false as const, problem: { kind: 'query-failed' as const, message: `Cannot list the lake at ${this.lake.root}: ${describeError(error)}` }, warnings: [] };
      return { throughput: failed, storage: failed, quarantine: failed, freshness: failed, latency: failed };
    }
    const listing = await this.lake.listTables();
    const activity = await this.activity(listing, now);
    const throughput = await this.throughput(files, listing, activity, now);
    const freshness = await this.freshness(listing, activity, now);
    return { throughput, storage: storage(files, listing), quarantine: quarantine(files), freshness, latency: latency(listing, activity) };
  }

  private async activity(listing: TableListing, now: number): Promise<Activity> {
    if (!listing.ok) return { commits: new Map(), warnings: [], problem: listing.problem };
    try {
      return { ...(await this.commits.read(listing.lakehouse, listing.epoch, listing.tables, listing.snapshot, (sql) => this.lake.query(sql), now)), problem: null };
    } catch (error) {
      const message = `Cannot read the catalog's commits: ${cleanReason(describeError(error))}`;
      return { commits: new Map(), warnings: [message], problem: { kind: 'query-failed', message } };
    }
  }

  private async throughput(files: readonly LakeFile[], listing: TableListing, activity: Activity, now: number): Promise<Loaded<Throughput>> {
    const raw = files.filter((file) => file.zone === 'raw');
    const footers = await this.lake.footers.inspect(raw);
    const catalog = await this.lake.catalog();
    const stageOf = (file: LakeFile): StageName =>
      catalog.sourceNames().includes(file.name) && String(catalog.source(file.name).kind) === 'stream' ? 'stream-ingest' : 'ingest';
    const rowsOf = (file: LakeFile) => {
      const footer = footers.get(file.path);
      return footer?.ok === true ? footer.rows : 0;
    };
    const since = now - RATE_WINDOW_S * 1000;
    const groups = new Map<string, { stage: StageName; name: string; files: LakeFile[] }>();
    for (const file of raw) {
      const stage = stageOf(file);
      const group = groups.get(`${stage}/${file.name}`) ?? { stage, name: file.name, files: [] };
      group.files.push(file);
      groups.set(`${stage}/${file.name}`, group);
    }
    const stages: StageRate[] = [...groups.values()].map(({ stage, name, files: group }) => {
      const inWindow = group.filter((file) => file.mtimeMs >= since);
      return {
        stage,
        name,
        recordsPerSecond: inWindow.reduce((sum, file) => sum + rowsOf(file), 0) / RATE_WINDOW_S,
        filesPerSecond: inWindow.length / RATE_WINDOW_S,
        totalRecords: group.reduce((sum, file) => sum + rowsOf(file), 0),
        totalFiles: group.length,
        lastFileAt: new Date(Math.max(...group.map((file) => file.mtimeMs))).toISOString(),
      };
    });
    for (const table of listing.ok ? listing.tables.values() : []) {
      const commits = activity.commits.get(table.name) ?? [];
      if (table.rows === 0 && commits.length === 0) continue;
      const inWindow = measured(commits).filter((commit) => commit.at >= since && commit.at <= now);
      stages.push({
        stage: 'normalizer',
        name: table.name,
        recordsPerSecond: inWindow.reduce((sum, commit) => sum + commit.measure.rows, 0) / RATE_WINDOW_S,
        filesPerSecond: inWindow.reduce((sum, commit) => sum + commit.measure.files, 0) / RATE_WINDOW_S,
        totalRecords: table.rows,
        totalFiles: table.files,
        lastFileAt: lastCommitAt(commits),
      });
    }
    const warnings = [...activity.warnings, ...(activity.problem?.kind === 'query-failed' && activity.warnings.length === 0 ? [activity.problem.message] : [])];
    if (stages.length === 0) return { ok: false, problem: { kind: 'no-data', message: 'No files in the lake yet.' }, warnings };
    stages.sort((a, b) => STAGE_ORDER.indexOf(a.stage) - STAGE_ORDER.indexOf(b.stage) || a.name.localeCompare(b.name));

    const minutes = new Map<number, Record<string, number>>();
    const firstMinute = Math.floor(now / 60_000) * 60_000 - (MINUTES_CHARTED - 1) * 60_000;
    for (let minute = firstMinute; minute <= now; minute += 60_000) minutes.set(minute, { ingest: 0, 'stream-ingest': 0, normalizer: 0 });
    const add = (at: number, stage: StageName, rows: number) => {
      const bucket = minutes.get(Math.floor(at / 60_000) * 60_000);
      if (bucket !== undefined) bucket[stage] = (bucket[stage] ?? 0) + rows;
    };
    for (const file of raw) add(file.mtimeMs, stageOf(file), rowsOf(file));
    for (const commits of activity.commits.values()) for (const commit of measured(commits)) add(commit.at, 'normalizer', commit.measure.rows);
    const perMinute: ThroughputPoint[] = [...minutes.entries()].map(([minute, records]) => ({ minute: new Date(minute).toISOString(), records }));
    return { ok: true, data: { windowSeconds: RATE_WINDOW_S, stages, perMinute }, warnings };
  }

  private async freshness(listing: TableListing, activity: Activity, now: number): Promise<Loaded<readonly DatasetFreshness[]>> {
    if (!listing.ok) return { ok: false, problem: listing.problem.kind === 'no-data' ? { kind: 'no-data', message: 'No curated data yet.' } : listing.problem, warnings: [] };
    const rows: DatasetFreshness[] = [];
    const warnings: string[] = [];
    for (const table of listing.tables.values()) {
      if (table.rows === 0) continue;
      const definition = await this.lake.definition(table.name);
      const timeColumn = definition?.partitionBy ?? '_fetched_at';
      try {
        // max() of a table column is answered from DuckLake's column statistics: no data file is read.
        const newest = await this.lake.cached(`freshness:${table.name}`, `${listing.epoch}:${table.signature}`, async () => {
          const [row] = await this.lake.query<{ newest: string | null }>(`SELECT max(${ident(timeColumn)}) AS newest FROM ${table.source}`);
          return row?.newest ?? null;
        });
        const lastCuratedAt = lastCommitAt(activity.commits.get(table.name) ?? []);
        rows.push({ dataset: table.name, timeColumn, newestEventTime: newest, freshnessMs: newest === null ? null : now - Date.parse(newest), lastCuratedAt });
      } catch (error) {
        warnings.push(`${table.name}: ${cleanReason(describeError(error))}`);
      }
    }
    if (rows.length === 0) return { ok: false, problem: { kind: 'no-data', message: 'No curated data yet.' }, warnings };
    return { ok: true, data: rows, warnings };
  }
}

const STAGE_ORDER: readonly StageName[] = ['ingest', 'stream-ingest', 'normalizer'];

type Measured = InsertCommit & { readonly measure: NonNullable<InsertCommit['measure']> };

function measured(commits: readonly InsertCommit[]): Measured[] {
  return commits.filter((commit): commit is Measured => commit.measure !== null);
}

function lastCommitAt(commits: readonly InsertCommit[]): string | null {
  const last = commits.at(-1);
  return last === undefined ? null : new Date(last.at).toISOString();
}

/** Record fetched (`_fetched_at`) → committed to its table, over the latest commits of every table. */
function latency(listing: TableListing, activity: Activity): Loaded<LatencyReport> {
  if (!listing.ok) return { ok: false, problem: listing.problem.kind === 'no-data' ? { kind: 'no-data', message: 'No curated data yet.' } : listing.problem, warnings: [] };
  const recent = [...activity.commits.values()]
    .flatMap((commits) => measured(commits))
    .filter((commit) => commit.measure.oldestFetchMs !== null && commit.measure.rows > 0)
    .sort((a, b) => b.snapshotId - a.snapshotId)
    .slice(0, LATENCY_COMMITS)
    .map((commit) => ({ commit, latencyMs: Math.max(0, commit.at - (commit.measure.oldestFetchMs ?? commit.at)) }));
  if (recent.length === 0) return { ok: false, problem: { kind: 'no-data', message: 'No committed rows with lineage yet.' }, warnings: activity.warnings };
  const sorted = recent.map((entry) => entry.latencyMs).sort((a, b) => a - b);
  return {
    ok: true,
    data: {
      commits: recent.length,
      records: recent.reduce((sum, entry) => sum + entry.commit.measure.rows, 0),
      p50Ms: percentile(sorted, 0.5),
      p95Ms: percentile(sorted, 0.95),
      maxMs: sorted.at(-1) ?? null,
      recent: recent.slice(0, 20).map(({ commit, latencyMs }) => ({ dataset: commit.table, snapshotId: commit.snapshotId, committedAt: new Date(commit.at).toISOString(), latencyMs })),
    },
    warnings: activity.warnings,
  };
}

function storage(files: readonly LakeFile[], listing: TableListing): Loaded<StorageReport> {
  const groups = new Map<string, { zone: StorageRow['zone']; name: string; files: number; bytes: number }>();
  for (const file of files) {
    const key = `${file.zone}/${file.name}`;
    const group = groups.get(key) ?? { zone: file.zone, name: file.name, files: 0, bytes: 0 };
    group.files += 1;
    group.bytes += file.bytes;
    groups.set(key, group);
  }
  // Curated bytes are the data files of each table's current snapshot, as the catalog lists them.
  for (const table of listing.ok ? listing.tables.values() : []) {
    if (table.files > 0) groups.set(`curated/${table.name}`, { zone: 'curated', name: table.name, files: table.files, bytes: table.bytes });
  }
  const warnings = !listing.ok && listing.problem.kind !== 'no-data' ? [listing.problem.message] : [];
  if (groups.size === 0) return { ok: false, problem: { kind: 'no-data', message: 'The lake is empty.' }, warnings };
  const rows = [...groups.values()].map((group) => ({ ...group, averageFileBytes: group.bytes / group.files }));
  const sum = (zone: StorageRow['zone'], field: 'files' | 'bytes') => rows.filter((row) => row.zone === zone).reduce((total, row) => total + row[field], 0);
  return { ok: true, data: { rawBytes: sum('raw', 'bytes'), curatedBytes: sum('curated', 'bytes'), rawFiles: sum('raw', 'files'), curatedFiles: sum('curated', 'files'), rows }, warnings };
}

function quarantine(files: readonly LakeFile[]): Loaded<QuarantineSummary> {
  const byStage = new Map<string, { stage: string; files: number; bytes: number; latest: number }>();
  for (const file of files.filter((candidate) => candidate.zone === 'quarantine')) {
    const entry = byStage.get(file.name) ?? { stage: file.name, files: 0, bytes: 0, latest: 0 };
    entry.files += 1;
    entry.bytes += file.bytes;
    entry.latest = Math.max(entry.latest, file.mtimeMs);
    byStage.set(file.name, entry);
  }
  const stages = [...byStage.values()].map((entry) => ({ stage: entry.stage, files: entry.files, bytes: entry.bytes, latestAt: new Date(entry.latest).toISOString() }));
  return { ok: true, data: { total: stages.reduce((sum, entry) => sum + entry.files, 0), byStage: stages }, warnings: [] };
}

function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? null;
}
