import {
  compileMapping,
  createEventExtractor,
  createRecordExtractor,
  curatedSelectFrom,
  describeError,
  missingColumnsSql,
  requiredColumns,
  requiredPredicate,
  ResponseShapeError,
  sqlIdentifier,
  sqlString,
  type AnySourceDefinition,
  type DatasetDefinition,
  type ExtractedRecord,
} from '@fluxo/schema';
import type { ParquetEngine, PlainRow } from '@fluxo/parquet-io';

const RAW_TABLE = 'try_raw';

/** What a definition makes of a saved response, through the real extraction and mapping. */
export interface TryResult {
  readonly source: string;
  readonly dataset: string;
  /** Records the extraction found (what ingest would write to the raw zone, before version tracking). */
  readonly records: number;
  /** Records ingest would dead-letter (`RECORD_REJECTED`), with why. */
  readonly rejectedAtIngest: readonly { readonly reason: string; readonly record: string }[];
  /** Curated rows (after dropping duplicate (key, version) pairs). */
  readonly rows: readonly PlainRow[];
  /** Rows the normalizer would quarantine (`ROWS_REJECTED`), per missing-column set. */
  readonly rejectedRows: Readonly<Record<string, number>>;
  /** Per dataset column, how many curated rows hold NULL in it (a wrong path shows as all NULL). */
  readonly nullsByColumn: Readonly<Record<string, number>>;
  readonly duplicates: number;
}

/**
 * Binds every mapped column's SQL against the raw schema in DuckDB (no data needed): a misspelt
 * function, a wrong column name or a type error in an `expr` is reported per column, which the
 * structural checks of the catalog cannot see.
 */
export async function checkMappingSql(engine: ParquetEngine, source: AnySourceDefinition, dataset: DatasetDefinition): Promise<string[]> {
  await createRawTable(engine);
  const mapping = compileMapping(source, dataset);
  const from = `(SELECT *${mapping.extractions.length === 0 ? '' : `, ${mapping.extractions.join(', ')}`} FROM ${RAW_TABLE}) AS raw`;
  const problems: string[] = [];
  for (const column of mapping.columns) {
    try {
      await engine.all(`SELECT ${column.sql} AS value FROM ${from} LIMIT 0`);
    } catch (error) {
      problems.push(`source ${source.name}: mapping of column "${column.name}": DuckDB rejects it: ${firstLine(describeError(error))}`);
    }
  }
  return problems;
}

/**
 * Extracts records from a saved response as the producer would (`poll`: the response JSON;
 * `stream`: one event per line, or a JSON array of events), puts them in an in-memory raw table with
 * the raw schema, and runs the normalizer's mapping over it.
 */
export async function tryDefinition(engine: ParquetEngine, source: AnySourceDefinition, dataset: DatasetDefinition, responseText: string, fetchedAt: Date): Promise<TryResult> {
  const { records, rejected } = extract(source, responseText);
  await createRawTable(engine);
  for (let start = 0; start < records.length; start += 500) {
    const values = records.slice(start, start + 500).map((record) => `(${sqlString(record.key)}, ${sqlString(record.version)}, ${timeLiteral(record.eventTime)}, ${timeLiteral(fetchedAt)}, ${sqlString(record.record)}, ${record.context === null ? 'NULL' : sqlString(record.context)})`);
    await engine.run(`INSERT INTO ${RAW_TABLE} VALUES ${values.join(', ')}`);
  }
  const mapping = compileMapping(source, dataset);
  const required = requiredColumns(dataset, mapping);
  const select = curatedSelectFrom(RAW_TABLE, mapping, { source: sqlString(source.name), rawUri: `'try'`, topic: 'NULL', partition: 'NULL', offset: 'NULL' });
  await engine.run(`CREATE OR REPLACE TEMP TABLE try_curated AS ${select}`);
  try {
    const [count] = await engine.all<{ n: number }>(`SELECT count(*)::BIGINT AS n FROM try_curated`);
    const missing = await engine.all<{ missing: string; n: number }>(`SELECT ${missingColumnsSql(required)} AS missing, count(*)::BIGINT AS n FROM try_curated WHERE NOT (${requiredPredicate(required)}) GROUP BY 1 ORDER BY 2 DESC`);
    const rows = await engine.all(`SELECT ${[...dataset.columns.map((c) => sqlIdentifier(c.name)), '_record_key', '_record_version'].join(', ')} FROM try_curated WHERE ${requiredPredicate(required)} ORDER BY _record_key, _record_version`);
    const [nulls] = await engine.all<Record<string, number>>(`SELECT ${dataset.columns.map((c, index) => `count(*) FILTER (WHERE ${sqlIdentifier(c.name)} IS NULL)::BIGINT AS "n${index}"`).join(', ')} FROM try_curated`);
    return {
      source: source.name,
      dataset: dataset.name,
      records: records.length,
      rejectedAtIngest: rejected,
      rows,
      rejectedRows: Object.fromEntries(missing.map((row) => [row.missing, Number(row.n)])),
      nullsByColumn: Object.fromEntries(dataset.columns.map((c, index) => [c.name, Number(nulls?.[`n${index}`] ?? 0)])),
      duplicates: records.length - Number(count?.n ?? 0),
    };
  } finally {
    await engine.run(`DROP TABLE IF EXISTS try_curated; DROP TABLE IF EXISTS ${RAW_TABLE}`);
  }
}

/** Thrown when the response does not fit the source (not JSON, records not where the definition says). */
export class ResponseMismatch extends Error {
  override readonly name = 'ResponseMismatch';
}

function extract(source: AnySourceDefinition, text: string): { records: ExtractedRecord[]; rejected: { reason: string; record: string }[] } {
  switch (source.kind) {
    case 'poll': {
      let response: unknown;
      try {
        response = JSON.parse(text);
      } catch (error) {
        throw new ResponseMismatch(`the response is not JSON (ingest would quarantine it as MALFORMED_BODY): ${describeError(error)}`);
      }
      try {
        return createRecordExtractor(source)(response);
      } catch (error) {
        if (error instanceof ResponseShapeError) throw new ResponseMismatch(`the records are not where the definition says (ingest would quarantine the response as RESPONSE_SHAPE): ${error.message}`);
        throw error;
      }
    }
    case 'stream': {
      const extractEvent = createEventExtractor(source);
      const trimmed = text.trim();
      const lines = trimmed.startsWith('[') ? (JSON.parse(trimmed) as unknown[]).map((event) => JSON.stringify(event)) : trimmed.split('\n').filter((line) => line.trim() !== '');
      const records: ExtractedRecord[] = [];
      const rejected: { reason: string; record: string }[] = [];
      for (const line of lines) {
        const result = extractEvent(line);
        if (result.ok) records.push(result.record);
        else rejected.push({ reason: `${result.reason}: ${result.message}`, record: line });
      }
      return { records, rejected };
    }
    case 'internal':
      throw new ResponseMismatch(`source ${source.name} is internal: fluxo writes its records itself, there is no response to try`);
  }
}

async function createRawTable(engine: ParquetEngine): Promise<void> {
  await engine.run(`CREATE OR REPLACE TEMP TABLE ${RAW_TABLE} (record_key VARCHAR, record_version VARCHAR, event_time TIMESTAMPTZ, fetched_at TIMESTAMPTZ, record VARCHAR, context VARCHAR)`);
}

function timeLiteral(at: Date | null): string {
  return at === null ? 'NULL' : `TIMESTAMPTZ ${sqlString(at.toISOString())}`;
}

function firstLine(text: string): string {
  return text.replace(/^DuckDB statement failed: /, '').split('\n')[0] ?? text;
}
