import type { FileReference } from '@fluxo/schema';
import { DRIFT_REASONS, type ColumnDriftRow, type DatasetDrift, type DriftAlert, type DriftReason, type DriftReport } from '../definitions';

/** Commits per dataset whose drift is summed (the window). */
export const DRIFT_WINDOW_COMMITS = 50;
/** Datasets tracked at once; the one updated least recently is dropped beyond it. */
export const MAX_DRIFT_DATASETS = 200;
/** Drift dead letters kept, newest first. */
export const MAX_DRIFT_ALERTS = 20;
const SAMPLE_CHARS = 600;
const MAX_NAMES = 64;

interface CommitDrift {
  readonly key: string;
  readonly at: string;
  readonly rows: number;
  readonly columns: readonly ColumnDriftRow[];
}

/**
 * Schema drift per dataset and column over each dataset's last `DRIFT_WINDOW_COMMITS` commits, and the
 * latest SCHEMA_DRIFT / UNMAPPED_FIELDS / DUPLICATE_KEY dead letters. Fed by the dashboard's Kafka feed;
 * memory is bounded by the window, the number of datasets and the number of alerts.
 *
 * Every curated file of one commit carries the commit's `drift` block: a commit is counted once, told
 * apart by the raw files it read (a re-announcement after a crash reads the same ones).
 */
export class DriftTracker {
  private readonly commits = new Map<string, CommitDrift[]>();
  private readonly alerts: DriftAlert[] = [];

  acceptCurated(reference: Pick<FileReference, 'dataset' | 'producedAt' | 'inputs' | 'drift' | 'uri'>): void {
    const drift = reference.drift;
    if (drift === undefined || drift.version !== 1) return;
    const key = (reference.inputs ?? []).map((input) => input.uri).sort().join('\n') || reference.uri;
    const window = this.commits.get(reference.dataset) ?? [];
    if (window.some((commit) => commit.key === key)) return;
    window.push({ key, at: reference.producedAt, rows: drift.rows, columns: drift.columns.map(({ column, path, absent, invalid }) => ({ column, path, absent, invalid })) });
    if (window.length > DRIFT_WINDOW_COMMITS) window.splice(0, window.length - DRIFT_WINDOW_COMMITS);
    this.commits.delete(reference.dataset); // re-inserted last: the map's order is least recently updated first
    this.commits.set(reference.dataset, window);
    if (this.commits.size > MAX_DRIFT_DATASETS) {
      const oldest = this.commits.keys().next().value;
      if (oldest !== undefined) this.commits.delete(oldest);
    }
  }

  /** Keeps a dead letter whose reason is about the shape of the data; ignores any other. */
  acceptDeadLetter(event: Readonly<Record<string, unknown>>, receivedAtMs: number): void {
    const reason = event['reason'];
    if (!isDriftReason(reason)) return;
    const details = isRecord(event['details']) ? event['details'] : {};
    const text = (value: unknown) => (typeof value === 'string' ? value : null);
    this.alerts.unshift({
      occurredAt: text(event['occurredAt']) ?? new Date(receivedAtMs).toISOString(),
      reason,
      source: text(event['source']),
      dataset: text(event['dataset']),
      names: namesOf(reason, details).slice(0, MAX_NAMES),
      sample: sampleOf(reason, details).slice(0, SAMPLE_CHARS),
      message: (text(event['message']) ?? '').slice(0, 500),
    });
    this.alerts.length = Math.min(this.alerts.length, MAX_DRIFT_ALERTS);
  }

  report(): DriftReport {
    const datasets: DatasetDrift[] = [...this.commits.entries()].map(([dataset, window]) => {
      const byColumn = new Map<string, { column: string; path: string; absent: number; invalid: number }>();
      for (const commit of window) {
        for (const column of commit.columns) {
          const sum = byColumn.get(column.column) ?? { column: column.column, path: column.path, absent: 0, invalid: 0 };
          sum.path = column.path; // the newest mapping's path
          sum.absent += column.absent;
          sum.invalid += column.invalid;
          byColumn.set(column.column, sum);
        }
      }
      return {
        dataset,
        commits: window.length,
        rows: window.reduce((sum, commit) => sum + commit.rows, 0),
        columns: [...byColumn.values()].filter((c) => c.absent + c.invalid > 0).sort((a, b) => b.absent + b.invalid - (a.absent + a.invalid) || a.column.localeCompare(b.column)),
        lastCommitAt: window[window.length - 1]?.at ?? '',
      };
    });
    datasets.sort((a, b) => a.dataset.localeCompare(b.dataset));
    return { windowCommits: DRIFT_WINDOW_COMMITS, datasets, alerts: [...this.alerts] };
  }
}

function isDriftReason(reason: unknown): reason is DriftReason {
  return typeof reason === 'string' && (DRIFT_REASONS as readonly string[]).includes(reason);
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** SCHEMA_DRIFT names its column; UNMAPPED_FIELDS its fields; DUPLICATE_KEY the keys of its sample. */
function namesOf(reason: DriftReason, details: Readonly<Record<string, unknown>>): string[] {
  const strings = (value: unknown) => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);
  switch (reason) {
    case 'SCHEMA_DRIFT':
      return typeof details['column'] === 'string' ? [details['column']] : [];
    case 'UNMAPPED_FIELDS':
      return strings(details['fields']);
    case 'DUPLICATE_KEY':
      return Array.isArray(details['sample']) ? details['sample'].flatMap((item: unknown) => (isRecord(item) && typeof item['key'] === 'string' ? [item['key']] : [])) : [];
  }
}

function sampleOf(reason: DriftReason, details: Readonly<Record<string, unknown>>): string {
  switch (reason) {
    case 'SCHEMA_DRIFT':
      return typeof details['sample'] === 'string' ? details['sample'] : '';
    case 'UNMAPPED_FIELDS':
      return '';
    case 'DUPLICATE_KEY': {
      const [first] = Array.isArray(details['sample']) ? (details['sample'] as unknown[]) : [];
      return isRecord(first) && typeof first['other'] === 'string' ? first['other'] : '';
    }
  }
}
