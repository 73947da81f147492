/** Everything `fluxo status` reports (`--json` prints this object). Times are ms since the epoch. */
export interface StatusReport {
  readonly at: number;
  readonly healthy: boolean;
  readonly kafka: { readonly brokers: readonly string[]; readonly reachable: boolean; readonly error: string | null };
  readonly catalog: { readonly location: string; readonly exists: boolean; readonly error: string | null };
  readonly lake: { readonly root: string; readonly exists: boolean };
  readonly producers: readonly ProducerStatus[];
  readonly lag: LagReport | null;
  readonly tables: readonly TableStatus[];
  readonly deadLetters: DeadLetterSummary | null;
  readonly quarantine: readonly QuarantineSummary[];
  readonly checks: readonly Check[];
}

/** A source as the raw zone shows it: which producer writes it and when it last did. */
export interface ProducerStatus {
  readonly stage: 'ingest' | 'stream-ingest' | 'unknown';
  readonly source: string;
  readonly dataset: string | null;
  readonly lastFileAt: number | null;
  /** Raw files written within the window. */
  readonly filesInWindow: number;
}

export interface PartitionLag {
  readonly partition: number;
  readonly endOffset: string;
  /** The group's committed Kafka offset (null: none). */
  readonly kafkaCommitted: string | null;
  /** The offset committed in the catalog with the data (null: none); ahead of Kafka's by up to one batch. */
  readonly catalogCommitted: string | null;
  readonly lag: number;
  /** Record time of the oldest reference not yet curated (null: none waiting). */
  readonly oldestWaitingAt: number | null;
}

/** The normalizer's backlog on the raw-files topic. */
export interface LagReport {
  readonly group: string;
  readonly topic: string;
  readonly totalLag: number;
  readonly oldestWaitingAt: number | null;
  readonly partitions: readonly PartitionLag[];
  /** The waiting references per dataset (their Kafka key), as far as the scan read them. */
  readonly byDataset: readonly { readonly dataset: string; readonly lag: number; readonly oldestWaitingAt: number | null }[];
  /** Waiting references beyond the scan limit, not attributed to a dataset. */
  readonly unattributed: number;
}

export interface TableStatus {
  readonly name: string;
  readonly rows: number;
  readonly files: number;
  readonly bytes: number;
  readonly deleteFiles: number;
  readonly eventTimeColumn: string | null;
  /** Newest event time in the table (freshness of the data). */
  readonly newestEventAt: number | null;
  /** The latest commit that inserted rows (freshness of the pipeline). */
  readonly lastCommit: { readonly snapshotId: number; readonly at: number; readonly rows: number | null; readonly files: number | null } | null;
}

export interface DeadLetterSummary {
  readonly since: number;
  readonly total: number;
  readonly scanned: number;
  readonly truncated: boolean;
  readonly byReason: readonly { readonly stage: string; readonly reason: string; readonly dataset: string | null; readonly count: number; readonly rows: number; readonly lastAt: number }[];
  /** Rows kept out of the tables (quarantined), per missing-column set, from `ROWS_REJECTED` dead letters. */
  readonly quarantinedRows: readonly { readonly dataset: string | null; readonly missing: string; readonly rows: number }[];
}

/** Files in `<lake>/quarantine/<stage>/` dated within the window. */
export interface QuarantineSummary {
  readonly stage: string;
  readonly files: number;
  readonly bytes: number;
}

export type CheckLevel = 'ok' | 'warn' | 'fail';

export interface Check {
  readonly name: string;
  readonly level: CheckLevel;
  readonly message: string;
  /** The setting that moves the threshold, if any. */
  readonly setting?: string;
}
