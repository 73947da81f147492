import type { FileReference } from '@fluxo/schema';
import type { DataFile, TableSpec } from '@fluxo/lakehouse';

/** One record consumed from the raw-files topic. */
export interface ConsumedReference {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: Buffer | null;
}

/** One raw file a commit curated: the record that announced it and what staging found in it. */
export interface CommittedInput {
  readonly message: ConsumedReference;
  readonly reference: FileReference;
  /** Rows the raw file held (after duplicates inside it); the reference's count for a replay. */
  readonly rows: number;
  /** Earliest `fetched_at` of its rows (ms); null when unknown (a replay). */
  readonly fetchedAtMs: number | null;
}

/** What one catalog commit did to one curated table. */
export interface CommittedDataset {
  readonly table: TableSpec;
  readonly inputs: readonly CommittedInput[];
  /** The data files the commit added (what was announced). */
  readonly files: readonly DataFile[];
}

/** A commit, reported after its data files were announced. */
export interface CommitReport {
  readonly group: string;
  readonly snapshotId: number;
  readonly startedAtMs: number;
  readonly committedAtMs: number;
  /** True when a replay after a crash announced an earlier commit again (nothing new was written). */
  readonly replayed: boolean;
  readonly datasets: readonly CommittedDataset[];
}

/** Who hears about commits and rows kept out (metrics, lineage). Must not throw: failures are theirs to handle. */
export interface CommitObserver {
  committed(report: CommitReport): Promise<void>;
  /** Rows kept out of the curated tables: incomplete rows (`ROWS_REJECTED`) or the rows of a dead-lettered file. */
  rowsQuarantined(reason: string, rows: number): void;
}
