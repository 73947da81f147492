/**
 * The dashboard's data contracts: what the server-only data layer returns and what the live stream
 * carries to the browser. Plain JSON only (no Date, no BigInt), so they cross the server/client
 * boundary and the SSE stream unchanged.
 */

/** Why a widget has nothing to draw. Each is shown as a clear message inside that widget. */
export type WidgetProblemKind = 'no-data' | 'kafka-unreachable' | 'broken-file' | 'query-failed';

export interface WidgetProblem {
  readonly kind: WidgetProblemKind;
  readonly message: string;
}

/** One widget's data, or the reason it has none. `warnings` say what part of the data could not be read. */
export type Loaded<T> =
  | { readonly ok: true; readonly data: T; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly problem: WidgetProblem; readonly warnings: readonly string[] };

/** ISO-8601 UTC timestamp string. */
export type IsoTime = string;

// ---------------------------------------------------------------- pipeline health (overview)

export type StageName = 'ingest' | 'stream-ingest' | 'normalizer';

export interface ThroughputPoint {
  /** Start of the minute (ISO). */
  readonly minute: IsoTime;
  /** Records per stage written in that minute. */
  readonly records: Readonly<Record<string, number>>;
}

export interface StageRate {
  readonly stage: StageName;
  /** The source (ingest stages) or the dataset (normalizer). */
  readonly name: string;
  readonly recordsPerSecond: number;
  readonly filesPerSecond: number;
  readonly totalRecords: number;
  /** Files written (ingest: raw files; normalizer: the table's data files in its current snapshot). */
  readonly totalFiles: number;
  /** Newest raw file, or the table's last insert commit (null when that snapshot has expired). */
  readonly lastFileAt: IsoTime | null;
}

export interface Throughput {
  /** Rates over the last `windowSeconds`. */
  readonly windowSeconds: number;
  readonly stages: readonly StageRate[];
  readonly perMinute: readonly ThroughputPoint[];
}

export interface PartitionLagView {
  readonly partition: number;
  readonly committedOffset: string | null;
  readonly endOffset: string;
  readonly lag: number;
  /** Age of the oldest unprocessed reference in ms (0 when caught up, null when unknown). */
  readonly oldestUnprocessedAgeMs: number | null;
}

export interface GroupLagView {
  readonly groupId: string;
  readonly topic: string;
  readonly role: string;
  readonly totalLag: number;
  readonly maxAgeMs: number | null;
  readonly partitions: readonly PartitionLagView[];
}

export interface LagSample {
  readonly at: IsoTime;
  /** Total lag (messages) per `groupId@topic`. */
  readonly lag: Readonly<Record<string, number>>;
}

export interface LagReport {
  readonly sampledAt: IsoTime;
  readonly groups: readonly GroupLagView[];
  readonly trend: readonly LagSample[];
}

export interface DatasetFreshness {
  readonly dataset: string;
  readonly timeColumn: string;
  readonly newestEventTime: IsoTime | null;
  /** now − newest event time, ms; negative for forecasts (event times in the future). */
  readonly freshnessMs: number | null;
  /** When rows were last committed to the table (null when that snapshot has expired). */
  readonly lastCuratedAt: IsoTime | null;
}

export interface LatencyReport {
  /** Table commits measured (the most recent ones that inserted rows with lineage). */
  readonly commits: number;
  readonly records: number;
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
  readonly maxMs: number | null;
  readonly recent: readonly { readonly dataset: string; readonly snapshotId: number; readonly committedAt: IsoTime; readonly latencyMs: number }[];
}

export interface DeadLetterSummary {
  readonly total: number;
  readonly byReason: readonly { readonly reason: string; readonly stage: string; readonly count: number }[];
  readonly latest: readonly {
    readonly occurredAt: IsoTime;
    readonly stage: string;
    readonly reason: string;
    readonly message: string;
    readonly source: string | null;
    readonly dataset: string | null;
  }[];
}

export interface QuarantineSummary {
  readonly total: number;
  readonly byStage: readonly { readonly stage: string; readonly files: number; readonly bytes: number; readonly latestAt: IsoTime | null }[];
}

export interface StorageRow {
  readonly zone: 'raw' | 'curated' | 'quarantine';
  readonly name: string;
  readonly files: number;
  readonly bytes: number;
  readonly averageFileBytes: number;
}

export interface StorageReport {
  readonly rawBytes: number;
  readonly curatedBytes: number;
  readonly rawFiles: number;
  readonly curatedFiles: number;
  readonly rows: readonly StorageRow[];
}

export interface CuratedFileEvent {
  readonly dataset: string;
  readonly source: string;
  readonly uri: string;
  readonly rows: number;
  readonly bytes: number;
  readonly producedAt: IsoTime;
  readonly receivedAt: IsoTime;
}

/** One curated column read by path, summed over a dataset's recent commits: rows whose path was absent, rows whose value did not cast. */
export interface ColumnDriftRow {
  readonly column: string;
  readonly path: string;
  readonly absent: number;
  readonly invalid: number;
}

/** Schema drift of one dataset over its most recent commits (the window), from the curated references' `drift` blocks. */
export interface DatasetDrift {
  readonly dataset: string;
  /** Commits in the window (at most `DriftReport.windowCommits`). */
  readonly commits: number;
  /** Raw rows those commits staged. */
  readonly rows: number;
  /** Columns with at least one absent or uncastable row, most affected first. */
  readonly columns: readonly ColumnDriftRow[];
  readonly lastCommitAt: IsoTime;
}

export const DRIFT_REASONS = ['SCHEMA_DRIFT', 'UNMAPPED_FIELDS', 'DUPLICATE_KEY'] as const;
export type DriftReason = (typeof DRIFT_REASONS)[number];

/** A recent dead letter about the shape of the data, with the column(s) it names and a sample record. */
export interface DriftAlert {
  readonly occurredAt: IsoTime;
  readonly reason: DriftReason;
  readonly source: string | null;
  readonly dataset: string | null;
  /** The drifting column, the unmapped fields, or the duplicated keys. */
  readonly names: readonly string[];
  readonly sample: string;
  readonly message: string;
}

export interface DriftReport {
  readonly windowCommits: number;
  readonly datasets: readonly DatasetDrift[];
  /** Newest first. */
  readonly alerts: readonly DriftAlert[];
}

export type KafkaState = 'connecting' | 'connected' | 'unreachable';

export interface KafkaStatus {
  readonly state: KafkaState;
  readonly brokers: readonly string[];
  readonly message: string | null;
  readonly since: IsoTime;
}

export interface PipelineSnapshot {
  readonly generatedAt: IsoTime;
  readonly kafka: KafkaStatus;
  readonly throughput: Loaded<Throughput>;
  readonly lag: Loaded<LagReport>;
  readonly freshness: Loaded<readonly DatasetFreshness[]>;
  readonly latency: Loaded<LatencyReport>;
  readonly deadLetters: Loaded<DeadLetterSummary>;
  readonly quarantine: Loaded<QuarantineSummary>;
  readonly storage: Loaded<StorageReport>;
  readonly recentFiles: readonly CuratedFileEvent[];
  readonly drift: Loaded<DriftReport>;
}

// ---------------------------------------------------------------- earthquakes

export const TIME_WINDOWS = { '1h': 3_600_000, '6h': 21_600_000, '24h': 86_400_000, '7d': 604_800_000, all: null } as const;
export type TimeWindow = keyof typeof TIME_WINDOWS;

export interface EarthquakeFilter {
  readonly window: TimeWindow;
  readonly minMagnitude: number;
}

export interface QuakePoint {
  readonly eventId: string;
  readonly longitude: number;
  readonly latitude: number;
  readonly magnitude: number | null;
  readonly depthKm: number | null;
  readonly place: string | null;
  readonly eventTime: IsoTime;
}

export interface QuakeRow extends QuakePoint {
  readonly magnitudeType: string | null;
  readonly status: string | null;
  readonly updatedAt: IsoTime;
  readonly versions: number;
}

export interface EarthquakeSummary {
  readonly events: number;
  readonly versions: number;
  readonly maxMagnitude: number | null;
  /** The window ends at the newest event time in the lake (replayed data is old). */
  readonly windowEnd: IsoTime | null;
  readonly windowStart: IsoTime | null;
}

export interface EarthquakeView {
  readonly key: string;
  readonly summary: Loaded<EarthquakeSummary>;
  readonly map: Loaded<readonly QuakePoint[]>;
  readonly histogram: Loaded<readonly { readonly bin: number; readonly count: number }[]>;
  readonly timeline: Loaded<{ readonly bucketMs: number; readonly points: readonly { readonly at: IsoTime; readonly count: number }[] }>;
  readonly latest: Loaded<readonly QuakeRow[]>;
}

// ---------------------------------------------------------------- weather

export interface WeatherLocation {
  readonly id: string;
  readonly latitude: number;
  readonly longitude: number;
  readonly elevationM: number | null;
}

export interface WeatherView {
  readonly key: string;
  readonly summary: Loaded<{
    readonly locations: number;
    readonly hours: number;
    readonly revisions: number;
    readonly minTemperatureC: number | null;
    readonly maxTemperatureC: number | null;
    readonly firstHour: IsoTime | null;
    readonly lastHour: IsoTime | null;
    readonly lastFetchedAt: IsoTime | null;
  }>;
  /** Latest revision per (location, hour). */
  readonly temperature: Loaded<{ readonly locations: readonly WeatherLocation[]; readonly points: readonly { readonly at: IsoTime; readonly values: Readonly<Record<string, number | null>> }[] }>;
}

// ---------------------------------------------------------------- wikipedia

export interface WikipediaView {
  readonly key: string;
  readonly summary: Loaded<{ readonly edits: number; readonly wikis: number; readonly botShare: number; readonly windowEnd: IsoTime | null }>;
  readonly perMinute: Loaded<{ readonly wikis: readonly string[]; readonly points: readonly { readonly at: IsoTime; readonly counts: Readonly<Record<string, number>> }[] }>;
  readonly botsVsHumans: Loaded<readonly { readonly at: IsoTime; readonly bots: number; readonly humans: number }[]>;
  readonly topPages: Loaded<readonly { readonly wiki: string; readonly title: string; readonly edits: number; readonly sizeDelta: number }[]>;
}

// ---------------------------------------------------------------- any dataset

export interface DatasetColumn {
  readonly name: string;
  readonly type: string;
  readonly description: string | null;
  readonly lineage: boolean;
}

export interface NumericSummary {
  readonly column: string;
  readonly min: number | null;
  readonly max: number | null;
  readonly mean: number | null;
  readonly nulls: number;
  readonly count: number;
}

export interface DatasetInfo {
  readonly name: string;
  readonly description: string | null;
  readonly defined: boolean;
  readonly files: number;
  readonly bytes: number;
}

export interface DatasetView {
  readonly key: string;
  readonly dataset: string;
  readonly info: Loaded<{ readonly description: string | null; readonly timeColumn: string | null; readonly columns: readonly DatasetColumn[]; readonly rows: number; readonly files: number; readonly bytes: number }>;
  readonly rowsOverTime: Loaded<{ readonly bucketMs: number; readonly points: readonly { readonly at: IsoTime; readonly rows: number }[] }>;
  readonly latestRows: Loaded<{ readonly columns: readonly string[]; readonly rows: readonly Readonly<Record<string, string | number | boolean | null>>[] }>;
  readonly numeric: Loaded<readonly NumericSummary[]>;
}

// ---------------------------------------------------------------- live stream

/** Which page a live stream feeds, with its filters. */
export type ViewRequest =
  | { readonly view: 'overview' }
  | { readonly view: 'earthquakes'; readonly filter: EarthquakeFilter }
  | { readonly view: 'weather' }
  | { readonly view: 'wikipedia' }
  | { readonly view: 'dataset'; readonly dataset: string }
  | { readonly view: 'datasets' };

export type ViewPayload = EarthquakeView | WeatherView | WikipediaView | DatasetView;

/** Events on `/api/stream` (SSE `event:` names). */
export interface LiveEvents {
  /** Sent first: server time and how long silence may last before the page calls itself stale. */
  readonly hello: { readonly serverTime: IsoTime; readonly staleAfterMs: number; readonly statusIntervalMs: number };
  readonly pipeline: PipelineSnapshot;
  readonly file: CuratedFileEvent;
  readonly view: { readonly key: string; readonly payload: ViewPayload; readonly reason: string };
}
