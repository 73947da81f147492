import { randomBytes } from 'node:crypto';
import type { FileFacts } from '@fluxo/schema';
import { DuckDBDataChunk, DuckDBTimestampTZValue, TIMESTAMPTZ, VARCHAR, type DuckDBAppender, type DuckDBValue } from '@duckdb/node-api';
import type { StagedFile, StageOptions } from './atomic-file';
import { copyQueryToParquet } from './copy-to-parquet';
import type { ParquetEngine } from './engine';
import { ParquetIoError } from './errors';
import type { Lake } from './lake';
import { RAW_SCHEMA, RAW_SCHEMA_FINGERPRINT, type RawRow } from './raw-schema';
import { sqlIdentifier } from './sql';

export interface WriteRawFileInput extends StageOptions {
  readonly source: string;
  readonly stem: string;
  /** When the batch was fetched: the `fetched_at` of every row and the `date=` partition (UTC). */
  readonly fetchedAt: Date;
  readonly rows: readonly RawRow[];
}

/**
 * A raw file written and fsynced under a hidden temp name (`tmpPath`), with everything its
 * FileReference needs: `commit()` publishes it at `path`, then announce it; `discard()` drops it.
 */
export interface StagedRawFile extends FileFacts {
  /** Where the file is once committed. */
  readonly path: string;
  readonly tmpPath: string;
  commit(): Promise<void>;
  discard(): Promise<void>;
}

/** A staged file's raw-file view (`minEventTime`/`maxEventTime`: ISO-8601, UTC, milliseconds, null when no row has one). */
export function stagedRawFile(staged: StagedFile, facts: Pick<StagedRawFile, 'uri' | 'rows' | 'minEventTime' | 'maxEventTime'>): StagedRawFile {
  return {
    ...facts,
    path: staged.finalPath,
    tmpPath: staged.tmpPath,
    sha256: staged.sha256,
    bytes: staged.bytes,
    schemaFingerprint: RAW_SCHEMA_FINGERPRINT,
    commit: () => staged.commit(),
    discard: () => staged.discard(),
  };
}

/**
 * Rows per row group of a raw file. The normalizer curates one file at a time and DuckDB
 * parallelises a scan by row group: with DuckDB's default (122,880) a 10,000-row file is one group
 * parsed by one thread; 4,096-row groups let every core parse JSON — measured 40 → 21 ms per
 * 10,000-row file on 2 cores (docs/decisions/0006-benchmark.md).
 */
export const RAW_ROW_GROUP_SIZE = 4096;

/** Rows per appended data chunk: DuckDB's vector size. */
const CHUNK_ROWS = 2048;
const CHUNK_TYPES = [VARCHAR, VARCHAR, TIMESTAMPTZ, TIMESTAMPTZ, VARCHAR, VARCHAR];

/**
 * Writes one raw file with RAW_SCHEMA: rows go into a temp table through DuckDB data chunks (the
 * fastest path measured, see docs/decisions/0001-parquet-engine.md), then `COPY … TO` a staged
 * temp file next to `lake.rawPath(source, fetchedAt, stem)`. Nothing is visible until commit.
 */
export async function writeRawFile(engine: ParquetEngine, lake: Lake, input: WriteRawFileInput): Promise<StagedRawFile> {
  const { uri } = lake.rawPath(input.source, input.fetchedAt, input.stem);
  const { minEventTime, maxEventTime } = checkRows(input.rows);
  // resolve, not just join: a symlinked directory inside the lake must not lead the write outside
  const location = { uri, path: await lake.resolve(uri) };
  return withRawTable(engine, input, async (table) => {
    const { staged, rows } = await copyQueryToParquet(engine, {
      sql: `SELECT * FROM ${table}`,
      finalPath: location.path,
      overwrite: input.overwrite ?? false,
      rowGroupSize: RAW_ROW_GROUP_SIZE,
    });
    return stagedRawFile(staged, { uri: location.uri, rows, minEventTime, maxEventTime });
  });
}

/**
 * Appends `rows` (with `fetchedAt`) to a scratch table with RAW_SCHEMA in the in-memory database —
 * unique per call, so concurrent writers never collide — hands its quoted name to `use`, and drops it.
 */
export async function withRawTable<T>(engine: ParquetEngine, input: { readonly rows: readonly RawRow[]; readonly fetchedAt: Date }, use: (table: string) => Promise<T>): Promise<T> {
  const tableName = `fluxo_raw_${randomBytes(6).toString('hex')}`;
  const table = sqlIdentifier(tableName);
  const columns = RAW_SCHEMA.map((c) => `${sqlIdentifier(c.name)} ${c.type}${c.nullable ? '' : ' NOT NULL'}`);
  await engine.run(`CREATE TABLE ${table} (${columns.join(', ')})`);
  try {
    await engine.withConnection(`append ${input.rows.length} rows to ${table}`, async (connection) => {
      const appender = await connection.createAppender(tableName);
      try {
        appendRows(appender, input.rows, input.fetchedAt);
      } finally {
        appender.closeSync();
      }
    });
    return await use(table);
  } finally {
    await engine.run(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
  }
}

function appendRows(appender: DuckDBAppender, rows: readonly RawRow[], fetchedAt: Date): void {
  const fetched = timestamptz(fetchedAt);
  for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
    const slice = rows.slice(start, start + CHUNK_ROWS);
    const keys: DuckDBValue[] = [];
    const versions: DuckDBValue[] = [];
    const eventTimes: DuckDBValue[] = [];
    const fetchedAts: DuckDBValue[] = [];
    const records: DuckDBValue[] = [];
    const contexts: DuckDBValue[] = [];
    for (const row of slice) {
      keys.push(row.key);
      versions.push(row.version);
      eventTimes.push(row.eventTime === null ? null : timestamptz(row.eventTime));
      fetchedAts.push(fetched);
      records.push(row.record);
      contexts.push(row.context);
    }
    const chunk = DuckDBDataChunk.create(CHUNK_TYPES, slice.length);
    chunk.setColumns([keys, versions, eventTimes, fetchedAts, records, contexts]);
    appender.appendDataChunk(chunk);
  }
  appender.flushSync();
}

function timestamptz(date: Date): DuckDBTimestampTZValue {
  return new DuckDBTimestampTZValue(BigInt(date.getTime()) * 1000n);
}

/** Validates every row before anything is written, and computes the event-time range. */
export function checkRows(rows: readonly RawRow[]): { minEventTime: string | null; maxEventTime: string | null } {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  rows.forEach((row, index) => {
    const problem = rowProblem(row);
    if (problem !== undefined) {
      throw new ParquetIoError('INVALID_ARGUMENT', `raw row ${index}: ${problem}`, { context: { row: index } });
    }
    if (row.eventTime !== null) {
      const time = row.eventTime.getTime();
      if (time < min) min = time;
      if (time > max) max = time;
    }
  });
  return min === Number.POSITIVE_INFINITY
    ? { minEventTime: null, maxEventTime: null }
    : { minEventTime: new Date(min).toISOString(), maxEventTime: new Date(max).toISOString() };
}

function rowProblem(row: RawRow): string | undefined {
  if (typeof row.key !== 'string' || row.key.length === 0) return 'key must be a non-empty string';
  if (typeof row.version !== 'string' || row.version.length === 0) return 'version must be a non-empty string';
  if (row.eventTime !== null && (!(row.eventTime instanceof Date) || Number.isNaN(row.eventTime.getTime()))) {
    return 'eventTime must be a valid Date or null';
  }
  if (typeof row.record !== 'string') return 'record must be the JSON text (a string)';
  if (row.context !== null && typeof row.context !== 'string') return 'context must be JSON text or null';
  return undefined;
}
