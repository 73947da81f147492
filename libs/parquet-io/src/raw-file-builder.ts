import { randomBytes } from 'node:crypto';
import { DuckDBDataChunk, DuckDBTimestampTZValue, INTEGER, TIMESTAMPTZ, VARCHAR, type DuckDBValue } from '@duckdb/node-api';
import { copyQueryToParquet } from './copy-to-parquet';
import type { ParquetEngine } from './engine';
import { ParquetIoError } from './errors';
import type { Lake } from './lake';
import { RAW_ROW_GROUP_SIZE, type WrittenRawFile } from './raw-file-writer';
import { RAW_SCHEMA, RAW_SCHEMA_FINGERPRINT, type RawRow } from './raw-schema';
import { sqlIdentifier } from './sql';

/** Rows per appended data chunk: DuckDB's vector size. */
const CHUNK_ROWS = 2048;
const CHUNK_TYPES = [VARCHAR, VARCHAR, TIMESTAMPTZ, TIMESTAMPTZ, VARCHAR, VARCHAR, INTEGER];

/**
 * One raw file built while its records arrive (a response streamed page by page): rows go into a
 * scratch table in DuckDB in parts, a part that fails (an interrupted page) is dropped again, and
 * `finish` writes the kept rows as a staged Parquet file. The producer never holds the rows.
 */
export interface RawFileBuilder {
  /** Rows kept so far (committed parts and the open part). */
  readonly rows: number;
  /** Starts a part: rows appended from now on are dropped again by `discardPart`. */
  beginPart(): void;
  append(rows: readonly RawRow[]): Promise<void>;
  /** Drops the rows appended since `beginPart`. */
  discardPart(): Promise<void>;
  /** Writes the rows as a staged file named after `stem`; the builder is closed after. */
  finish(stem: string, options?: { readonly overwrite?: boolean }): Promise<WrittenRawFile>;
  /** Drops everything (idempotent). */
  discard(): Promise<void>;
}

export async function openRawFileBuilder(engine: ParquetEngine, lake: Lake, input: { readonly source: string; readonly fetchedAt: Date }): Promise<RawFileBuilder> {
  const tableName = `fluxo_raw_${randomBytes(6).toString('hex')}`;
  const table = sqlIdentifier(tableName);
  const columns = [...RAW_SCHEMA.map((c) => `${sqlIdentifier(c.name)} ${c.type}${c.nullable ? '' : ' NOT NULL'}`), '"_part" INTEGER NOT NULL'];
  await engine.run(`CREATE TABLE ${table} (${columns.join(', ')})`);
  const fetched = new DuckDBTimestampTZValue(BigInt(input.fetchedAt.getTime()) * 1000n);
  let part = 0;
  let rows = 0;
  let partRows = 0;
  let closed = false;
  const drop = async () => {
    if (closed) return;
    closed = true;
    await engine.run(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
  };
  const open = () => {
    if (closed) throw new ParquetIoError('INVALID_ARGUMENT', 'the raw file builder is closed');
  };
  return {
    get rows() {
      return rows;
    },
    beginPart() {
      part += 1;
      partRows = 0;
    },
    async append(batch) {
      open();
      if (batch.length === 0) return;
      batch.forEach((row, index) => {
        const problem = rowProblem(row);
        if (problem !== undefined) throw new ParquetIoError('INVALID_ARGUMENT', `raw row ${rows + index}: ${problem}`, { context: { row: rows + index } });
      });
      await engine.withConnection(`append ${batch.length} rows to ${tableName}`, async (connection) => {
        const appender = await connection.createAppender(tableName);
        try {
          for (let start = 0; start < batch.length; start += CHUNK_ROWS) {
            const slice = batch.slice(start, start + CHUNK_ROWS);
            const values: DuckDBValue[][] = [[], [], [], [], [], [], []];
            for (const row of slice) {
              values[0]?.push(row.key);
              values[1]?.push(row.version);
              values[2]?.push(row.eventTime === null ? null : new DuckDBTimestampTZValue(BigInt(row.eventTime.getTime()) * 1000n));
              values[3]?.push(fetched);
              values[4]?.push(row.record);
              values[5]?.push(row.context);
              values[6]?.push(part);
            }
            const chunk = DuckDBDataChunk.create(CHUNK_TYPES, slice.length);
            chunk.setColumns(values);
            appender.appendDataChunk(chunk);
          }
          appender.flushSync();
        } finally {
          appender.closeSync();
        }
      });
      rows += batch.length;
      partRows += batch.length;
    },
    async discardPart() {
      open();
      await engine.run(`DELETE FROM ${table} WHERE "_part" = ${part}`);
      rows -= partRows;
      partRows = 0;
    },
    async finish(stem, options = {}) {
      open();
      try {
        const [range] = await engine.all<{ min: number | null; max: number | null }>(`SELECT epoch_ms(min(event_time)) AS min, epoch_ms(max(event_time)) AS max FROM ${table}`);
        const { uri } = lake.rawPath(input.source, input.fetchedAt, stem);
        const path = await lake.resolve(uri);
        const { staged, rows: written } = await copyQueryToParquet(engine, {
          sql: `SELECT ${RAW_SCHEMA.map((c) => sqlIdentifier(c.name)).join(', ')} FROM ${table}`,
          finalPath: path,
          overwrite: options.overwrite ?? false,
          rowGroupSize: RAW_ROW_GROUP_SIZE,
        });
        const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString());
        return { staged, uri, path, sha256: staged.sha256, bytes: staged.bytes, rows: written, minEventTime: iso(range?.min), maxEventTime: iso(range?.max), schemaFingerprint: RAW_SCHEMA_FINGERPRINT };
      } finally {
        await drop();
      }
    },
    discard: drop,
  };
}

function rowProblem(row: RawRow): string | undefined {
  if (typeof row.key !== 'string' || row.key.length === 0) return 'key must be a non-empty string';
  if (typeof row.version !== 'string' || row.version.length === 0) return 'version must be a non-empty string';
  if (row.eventTime !== null && (!(row.eventTime instanceof Date) || Number.isNaN(row.eventTime.getTime()))) return 'eventTime must be a valid Date or null';
  if (typeof row.record !== 'string') return 'record must be the JSON text (a string)';
  if (row.context !== null && typeof row.context !== 'string') return 'context must be JSON text or null';
  return undefined;
}
