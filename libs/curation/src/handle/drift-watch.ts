import { DRIFT_SUMMARY_VERSION, type DriftSummaryFields } from '@fluxo/schema';
import type { FileDrift } from '../curate/stage-raw-file';

/** Consecutive raw files in which a column is absent or uncastable in every row before SCHEMA_DRIFT is raised. */
const DEFAULT_DRIFT_FILES = 3;
/** (source, column) pairs followed at most: a normalizer's memory does not grow with history. */
const MAX_TRACKED = 10_000;

/** A column that stayed absent or uncastable in all rows of `files` consecutive raw files. */
export interface DriftAlarm {
  readonly source: string;
  readonly column: string;
  readonly path: string;
  readonly files: number;
  readonly absent: number;
  readonly invalid: number;
  readonly rows: number;
}

/**
 * Follows, per source and column, how many consecutive raw files had the column absent or
 * uncastable in every row. The `threshold`-th such file raises one alarm; the column must recover
 * (a file with a usable value) before it can raise another. In memory: a restart starts counting
 * again, so an alarm may come a few files later, never never.
 */
export class DriftWatch {
  private readonly streaks = new Map<string, { files: number; raised: boolean }>();

  constructor(private readonly threshold: number = DEFAULT_DRIFT_FILES) {}

  observe(source: string, drift: FileDrift): DriftAlarm[] {
    if (drift.rows === 0) return [];
    const alarms: DriftAlarm[] = [];
    for (const column of drift.columns) {
      const key = `${source}\u0000${column.column}`;
      const lost = column.absent + column.invalid >= drift.rows;
      if (!lost) {
        this.streaks.delete(key);
        continue;
      }
      if (!this.streaks.has(key) && this.streaks.size >= MAX_TRACKED) this.streaks.clear();
      const streak = this.streaks.get(key) ?? { files: 0, raised: false };
      streak.files += 1;
      this.streaks.set(key, streak);
      if (streak.files >= this.threshold && !streak.raised) {
        streak.raised = true;
        alarms.push({ source, column: column.column, path: column.path, files: streak.files, absent: column.absent, invalid: column.invalid, rows: drift.rows });
      }
    }
    return alarms;
  }
}

/** Adds one file's drift to a commit's summary. */
export function addDrift(summary: DriftSummaryFields | undefined, drift: FileDrift): DriftSummaryFields {
  const columns = new Map((summary?.columns ?? []).map((c) => [c.column, { ...c }]));
  for (const c of drift.columns) {
    const known = columns.get(c.column);
    if (known === undefined) columns.set(c.column, { column: c.column, path: c.path, absent: c.absent, invalid: c.invalid });
    else {
      known.absent += c.absent;
      known.invalid += c.invalid;
    }
  }
  return { version: DRIFT_SUMMARY_VERSION, rows: (summary?.rows ?? 0) + drift.rows, columns: [...columns.values()] };
}
