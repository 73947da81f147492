import { describeError } from '@fluxo/schema';
import type { DatasetFreshness, LatencyReport, Loaded, QuarantineSummary, StageName, StageRate, StorageReport, Throughput, ThroughputPoint } from '../definitions';
import { cleanReason } from './footer-cache';
import { ident, type LakeData } from './lake-data';
import type { LakeFile } from './lake-scanner';

const RATE_WINDOW_S = 60;
const MINUTES_CHARTED = 30;
const LATENCY_FILES = 50;

export interface LakeHealth {
  readonly throughput: Loaded<Throughput>;
  readonly storage: Loaded<StorageReport>;
  readonly quarantine: Loaded<QuarantineSummary>;
  readonly freshness: Loaded<readonly DatasetFreshness[]>;
  readonly latency: Loaded<LatencyReport>;
}

/**
 * Pipeline health as the lake shows it, independent of Kafka (it keeps working when the broker is
 * down and after a dashboard restart): files and records per stage from file times and footers, bytes
 * per zone, quarantined files, freshness per dataset, and fetched → curated latency from lineage columns.
 */
export class LakeHealthReader {
  private readonly latencyByFile = new Map<string, { latencyMs: number; rows: number }>();

  constructor(private readonly lake: LakeData) {}

  async read(now = Date.now()): Promise<LakeHealth> {
    let files: readonly LakeFile[];
    try {
      files = (await this.lake.scanner.list()).files;
    } catch (error) {
      const failed = { ok: false as const, problem: { kind: 'query-failed' as const, message: `Cannot list the lake at ${this.lake.root}: ${describeError(error)}` }, warnings: [] };
      return { throughput: failed, storage: failed, quarantine: failed, freshness: failed, latency: failed };
    }
    const [throughput, freshness, latency] = await Promise.all([this.throughput(files, now), this.freshness(now), this.latency(files)]);
    return { throughput, storage: storage(files), quarantine: quarantine(files), freshness, latency };
  }

  private async throughput(files: readonly LakeFile[], now: number): Promise<Loaded<Throughput>> {
    const written = files.filter((file) => file.zone !== 'quarantine');
    if (written.length === 0) return noData('No files in the lake yet.');
    const recent = written.filter((file) => file.mtimeMs >= now - MINUTES_CHARTED * 60_000);
    const footers = await this.lake.footers.inspect(written);
    const catalog = await this.lake.catalog();
    const stageOf = (file: LakeFile): StageName => {
      if (file.zone === 'curated') return 'normalizer';
      return catalog.sourceNames().includes(file.name) && String(catalog.source(file.name).kind) === 'stream' ? 'stream-ingest' : 'ingest';
    };
    const rowsOf = (file: LakeFile) => {
      const footer = footers.get(file.path);
      return footer?.ok === true ? footer.rows : 0;
    };
    const groups = new Map<string, { stage: StageName; name: string; files: LakeFile[] }>();
    for (const file of written) {
      const stage = stageOf(file);
      const key = `${stage}/${file.name}`;
      const group = groups.get(key) ?? { stage, name: file.name, files: [] };
      group.files.push(file);
      groups.set(key, group);
    }
    const since = now - RATE_WINDOW_S * 1000;
    const stages: StageRate[] = [...groups.values()].map(({ stage, name, files: group }) => {
      const inWindow = group.filter((file) => file.mtimeMs >= since);
      const last = Math.max(...group.map((file) => file.mtimeMs));
      return {
        stage,
        name,
        recordsPerSecond: inWindow.reduce((sum, file) => sum + rowsOf(file), 0) / RATE_WINDOW_S,
        filesPerSecond: inWindow.length / RATE_WINDOW_S,
        totalRecords: group.reduce((sum, file) => sum + rowsOf(file), 0),
        totalFiles: group.length,
        lastFileAt: new Date(last).toISOString(),
      };
    });
    stages.sort((a, b) => STAGE_ORDER.indexOf(a.stage) - STAGE_ORDER.indexOf(b.stage) || a.name.localeCompare(b.name));
    const minutes = new Map<number, Record<string, number>>();
    const firstMinute = Math.floor(now / 60_000) * 60_000 - (MINUTES_CHARTED - 1) * 60_000;
    for (let minute = firstMinute; minute <= now; minute += 60_000) minutes.set(minute, { ingest: 0, 'stream-ingest': 0, normalizer: 0 });
    for (const file of recent) {
      const minute = Math.floor(file.mtimeMs / 60_000) * 60_000;
      const bucket = minutes.get(minute);
      if (bucket !== undefined) bucket[stageOf(file)] = (bucket[stageOf(file)] ?? 0) + rowsOf(file);
    }
    const perMinute: ThroughputPoint[] = [...minutes.entries()].map(([minute, records]) => ({ minute: new Date(minute).toISOString(), records }));
    return { ok: true, data: { windowSeconds: RATE_WINDOW_S, stages, perMinute }, warnings: [] };
  }

  private async freshness(now: number): Promise<Loaded<readonly DatasetFreshness[]>> {
    const names = await this.lake.datasetNames();
    const rows: DatasetFreshness[] = [];
    const warnings: string[] = [];
    for (const name of names) {
      const files = await this.lake.dataset(name);
      if (files.files.length === 0) continue;
      const definition = await this.lake.definition(name);
      const timeColumn = definition?.partitionBy ?? '_fetched_at';
      try {
        const newest = await this.lake.cached(`freshness:${name}`, files.signature, async () => {
          const [row] = await this.lake.query<{ newest: string | null }>(`SELECT max(${ident(timeColumn)}) AS newest FROM ${this.lake.source(files.files)}`);
          return row?.newest ?? null;
        });
        const lastCurated = Math.max(...files.files.map((file) => file.mtimeMs));
        rows.push({ dataset: name, timeColumn, newestEventTime: newest, freshnessMs: newest === null ? null : now - Date.parse(newest), lastCuratedAt: new Date(lastCurated).toISOString() });
      } catch (error) {
        warnings.push(`${name}: ${cleanReason(describeError(error))}`);
      }
      warnings.push(...files.broken.map((file) => `Skipped unreadable file ${file.uri}: ${file.reason}`));
    }
    if (rows.length === 0) return { ok: false, problem: { kind: 'no-data', message: 'No curated data yet.' }, warnings };
    return { ok: true, data: rows, warnings };
  }

  private async latency(files: readonly LakeFile[]): Promise<Loaded<LatencyReport>> {
    const curated = files.filter((file) => file.zone === 'curated').sort((a, b) => b.mtimeMs - a.mtimeMs);
    if (curated.length === 0) return noData('No curated files yet.');
    const footers = await this.lake.footers.inspect(curated.slice(0, LATENCY_FILES * 2));
    const recent = curated.filter((file) => footers.get(file.path)?.ok === true).slice(0, LATENCY_FILES);
    const missing = recent.filter((file) => !this.latencyByFile.has(file.path));
    const warnings: string[] = [];
    if (missing.length > 0) {
      try {
        const rows = await this.lake.query<{ filename: string; oldest_fetch: string | null; rows: number }>(
          `SELECT filename, min(_fetched_at) AS oldest_fetch, count(*)::INTEGER AS rows FROM ${this.lake.source(missing, { filename: true })} GROUP BY filename`,
        );
        for (const row of rows) {
          const file = missing.find((candidate) => candidate.path === row.filename);
          if (file === undefined || row.oldest_fetch === null) continue;
          this.latencyByFile.set(file.path, { latencyMs: Math.max(0, file.mtimeMs - Date.parse(row.oldest_fetch)), rows: row.rows });
        }
      } catch (error) {
        warnings.push(`Latency: ${cleanReason(describeError(error))}`);
      }
    }
    if (this.latencyByFile.size > LATENCY_FILES * 20) {
      const keep = new Set(recent.map((file) => file.path));
      for (const path of this.latencyByFile.keys()) if (!keep.has(path)) this.latencyByFile.delete(path);
    }
    const measured = recent.flatMap((file) => {
      const entry = this.latencyByFile.get(file.path);
      return entry === undefined ? [] : [{ uri: file.uri, curatedAt: new Date(file.mtimeMs).toISOString(), latencyMs: entry.latencyMs, rows: entry.rows }];
    });
    if (measured.length === 0) return { ok: false, problem: { kind: 'no-data', message: 'No curated file with lineage yet.' }, warnings };
    const sorted = measured.map((entry) => entry.latencyMs).sort((a, b) => a - b);
    return {
      ok: true,
      data: {
        files: measured.length,
        records: measured.reduce((sum, entry) => sum + entry.rows, 0),
        p50Ms: percentile(sorted, 0.5),
        p95Ms: percentile(sorted, 0.95),
        maxMs: sorted.at(-1) ?? null,
        recent: measured.slice(0, 20).map(({ uri, curatedAt, latencyMs }) => ({ uri, curatedAt, latencyMs })),
      },
      warnings,
    };
  }
}

const STAGE_ORDER: readonly StageName[] = ['ingest', 'stream-ingest', 'normalizer'];

function storage(files: readonly LakeFile[]): Loaded<StorageReport> {
  const groups = new Map<string, { zone: LakeFile['zone']; name: string; files: number; bytes: number }>();
  for (const file of files) {
    const key = `${file.zone}/${file.name}`;
    const group = groups.get(key) ?? { zone: file.zone, name: file.name, files: 0, bytes: 0 };
    group.files += 1;
    group.bytes += file.bytes;
    groups.set(key, group);
  }
  if (groups.size === 0) return noData('The lake is empty.');
  const rows = [...groups.values()].map((group) => ({ ...group, averageFileBytes: group.bytes / group.files }));
  const sum = (zone: LakeFile['zone'], field: 'files' | 'bytes') => rows.filter((row) => row.zone === zone).reduce((total, row) => total + row[field], 0);
  return { ok: true, data: { rawBytes: sum('raw', 'bytes'), curatedBytes: sum('curated', 'bytes'), rawFiles: sum('raw', 'files'), curatedFiles: sum('curated', 'files'), rows }, warnings: [] };
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

function noData<T>(message: string): Loaded<T> {
  return { ok: false, problem: { kind: 'no-data', message }, warnings: [] };
}
