import { describeError, missingColumnsSql, requiredColumns, requiredPredicate, sqlIdentifier, sqlString, type CompiledMapping, type DatasetDefinition, type Logger } from '@fluxo/schema';
import { assertSchema, RAW_SCHEMA, type ParquetEngine } from '@fluxo/parquet-io';
import type { Lakehouse, TableSpec } from '@fluxo/lakehouse';
import { CliError } from '../errors';
import type { Progress } from '../output/progress';
import type { RawFile } from './raw-inventory';
import { chunkSelectSql, lineageTableSql, rangePredicate, type TimeRange } from './reprocess-sql';

export interface ReprocessRequest {
  readonly dataset: DatasetDefinition;
  readonly spec: TableSpec;
  /** Each source feeding the dataset, with its compiled mapping and its raw files. */
  readonly sources: readonly { readonly name: string; readonly mapping: CompiledMapping; readonly files: readonly RawFile[] }[];
  readonly range: TimeRange;
  readonly dryRun: boolean;
  /** Refuse when rows in the range came from raw files no longer in the raw zone (they would be kept as they are). */
  readonly strict: boolean;
  readonly batchFiles: number;
}

export interface ReprocessReport {
  readonly dataset: string;
  readonly range: { readonly from: string | null; readonly to: string | null };
  readonly dryRun: boolean;
  readonly rawFiles: { readonly listed: number; readonly read: number; readonly bytes: number; readonly skipped: readonly { readonly uri: string; readonly problem: string }[] };
  readonly rows: { readonly mapped: number; readonly rejected: number; readonly outsideRange: number; readonly staged: number };
  /** Rows a required column (or the event time) is missing from, per missing-column set: kept out, as the normalizer does. */
  readonly rejectedByMissing: Readonly<Record<string, number>>;
  /** The table's rows in the range before: replaced (their raw file was read) and kept (their raw file is gone). */
  readonly current: { readonly rows: number; readonly replaced: number; readonly kept: number };
  /** Versions (key, version) compared between the rows replaced and the rows staged. */
  readonly diff: { readonly unchanged: number; readonly changed: number; readonly added: number; readonly removed: number; readonly changedByColumn: Readonly<Record<string, number>> };
  readonly swap: { readonly deleted: number; readonly inserted: number; readonly snapshotId: number } | null;
  readonly durationMs: number;
}

const STAGING_SCHEMA = 'fluxo_staging';

/**
 * Re-curates a dataset from the raw zone with the current definitions and swaps the result in
 * atomically while the pipeline keeps running:
 *
 * 1. every raw file of the dataset's sources is mapped with the normalizer's own SQL, in chunks,
 *    into a staging table in the same DuckLake catalog (`fluxo_staging.<dataset>__<run>`; a dry run
 *    stages into memory instead and writes nothing);
 * 2. the staged rows are compared with the table's (unchanged, changed per column, added, removed);
 * 3. ONE catalog transaction deletes the table's rows in the range that came from the raw files read
 *    and inserts the staged rows whose (key, version) the table does not hold (`appendDistinct`),
 *    then drops the staging table. Readers see the old rows or the new, never a mix; a concurrent
 *    normalizer commit makes the transaction run again (DuckLake's optimistic concurrency).
 *
 * Rows in the range whose raw file retention already deleted cannot be rebuilt: they are kept as
 * they are (reported as `kept`; `strict` refuses instead). The Kafka lineage of a row is carried
 * over from the rows its raw file produced before (NULL for rows never curated before).
 */
export class Reprocessor {
  constructor(private readonly deps: { readonly engine: ParquetEngine; readonly lakehouse: Lakehouse; readonly progress: Progress; readonly logger: Logger; readonly signal: AbortSignal }) {}

  async run(request: ReprocessRequest): Promise<ReprocessReport> {
    const started = Date.now();
    const { engine, lakehouse } = this.deps;
    const target = lakehouse.table(request.spec.name);
    const exists = await lakehouse.hasTable(request.spec.name);
    const inRange = rangePredicate(request.spec.eventTimeColumn, request.range);
    const allFiles = request.sources.flatMap((source) => source.files);
    await engine.run('CREATE OR REPLACE TEMP TABLE reprocess_listed (uri VARCHAR)');
    await insertValues(engine, 'reprocess_listed', allFiles.map((file) => file.uri));
    if (exists) {
      const [kept] = await engine.all<{ n: number }>(`SELECT count(*)::BIGINT AS n FROM ${target} WHERE ${inRange} AND _raw_uri NOT IN (SELECT uri FROM reprocess_listed)`);
      if (request.strict && Number(kept?.n ?? 0) > 0) {
        throw new CliError('REFUSED', `${formatN(kept?.n)} row(s) of ${request.spec.name} in the range came from raw files no longer in the raw zone; --strict refuses to keep them unchanged.`, {
          hints: ['Narrow the range with --from/--to to days the raw zone still holds (FLUXO_RAW_RETENTION_DAYS), or drop --strict to keep those rows as they are.'],
        });
      }
      await engine.run(`CREATE OR REPLACE TEMP TABLE reprocess_known_lineage AS SELECT _raw_uri AS uri, any_value(_kafka_topic) AS topic, any_value(_kafka_partition) AS kafka_partition, any_value(_kafka_offset) AS kafka_offset FROM ${target} GROUP BY 1`);
    } else {
      await engine.run('CREATE OR REPLACE TEMP TABLE reprocess_known_lineage (uri VARCHAR, topic VARCHAR, kafka_partition BIGINT, kafka_offset BIGINT)');
    }
    if (!request.dryRun) await lakehouse.ensureTable(request.spec);
    const staging = request.dryRun ? sqlIdentifier('reprocess_staged') : await this.createStaging(request.spec);
    try {
      const staged = await this.stage(request, staging);
      this.deps.signal.throwIfAborted();
      const diff = await this.compare(request, staging, exists, inRange);
      const swap = request.dryRun ? null : await this.swap(request, staging, inRange);
      return {
        dataset: request.spec.name,
        range: { from: request.range.from === null ? null : new Date(request.range.from).toISOString(), to: request.range.to === null ? null : new Date(request.range.to).toISOString() },
        dryRun: request.dryRun,
        ...staged,
        ...diff,
        swap,
        durationMs: Date.now() - started,
      };
    } catch (error) {
      if (!request.dryRun) await this.dropStaging(staging);
      throw this.deps.signal.aborted ? new CliError('INTERRUPTED', 'Interrupted: nothing was swapped in; the table is as it was.', { cause: error }) : error;
    } finally {
      if (request.dryRun) await engine.run(`DROP TABLE IF EXISTS ${staging}`).catch(() => undefined);
      await engine.run('DROP TABLE IF EXISTS reprocess_chunk; DROP TABLE IF EXISTS reprocess_lineage; DROP TABLE IF EXISTS reprocess_known_lineage; DROP TABLE IF EXISTS reprocess_listed').catch(() => undefined);
    }
  }

  /** A staging table in the catalog, with the table's columns; leftovers of interrupted runs of this dataset are dropped first. */
  private async createStaging(spec: TableSpec): Promise<string> {
    const { lakehouse } = this.deps;
    const leftovers = await lakehouse.engine.all<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_catalog = ${sqlString(lakehouse.alias)} AND table_schema = '${STAGING_SCHEMA}' AND starts_with(table_name, ${sqlString(`${spec.name}__`)})`,
    );
    for (const { table_name } of leftovers) await this.dropStaging(lakehouse.table(table_name, STAGING_SCHEMA));
    const name = lakehouse.table(`${spec.name}__${new Date().toISOString().replace(/[^0-9]/g, '').slice(0, 14)}`, STAGING_SCHEMA);
    const columns = spec.columns.map((c) => `${sqlIdentifier(c.name)} ${c.sqlType}`).join(', ');
    await lakehouse.commit(`create ${name}`, async (tx) => {
      await tx.run(`CREATE SCHEMA IF NOT EXISTS ${lakehouse.alias}.${STAGING_SCHEMA}`);
      await tx.run(`CREATE TABLE ${name} (${columns})`);
    });
    return name;
  }

  private async dropStaging(name: string): Promise<void> {
    await this.deps.lakehouse.commit(`drop ${name}`, (tx) => tx.run(`DROP TABLE IF EXISTS ${name}`)).catch((error: unknown) => this.deps.logger.warn({ table: name, error: describeError(error) }, 'could not drop the staging table'));
  }

  private async stage(request: ReprocessRequest, staging: string): Promise<Pick<ReprocessReport, 'rawFiles' | 'rows' | 'rejectedByMissing'>> {
    const { engine, lakehouse } = this.deps;
    const required = requiredColumns(request.dataset, { columns: request.sources[0]?.mapping.columns ?? [], extractions: [] });
    const inRange = rangePredicate(request.spec.eventTimeColumn, request.range);
    const files = request.sources.flatMap((source) => source.files);
    const totalBytes = files.reduce((sum, file) => sum + file.bytes, 0);
    const counts = { mapped: 0, rejected: 0, outsideRange: 0, staged: 0 };
    const rejectedByMissing: Record<string, number> = {};
    const skipped: { uri: string; problem: string }[] = [];
    const done = { files: 0, bytes: 0 };
    await engine.run('CREATE OR REPLACE TEMP TABLE reprocess_uris (uri VARCHAR)');
    if (request.dryRun) await engine.run(`CREATE OR REPLACE TEMP TABLE ${staging} (${request.spec.columns.map((c) => `${sqlIdentifier(c.name)} ${c.sqlType}`).join(', ')})`);
    const bar = this.deps.progress.bar(`re-curating ${request.spec.name}`, { files: files.length, rows: 0, bytes: totalBytes });
    for (const source of request.sources) {
      for (let start = 0; start < source.files.length; start += request.batchFiles) {
        this.deps.signal.throwIfAborted();
        let chunk = source.files.slice(start, start + request.batchFiles);
        try {
          await this.mapChunk(chunk, source.mapping);
        } catch (error) {
          // One unreadable file fails the statement: find it, skip it (as the normalizer dead-lettered it), map the rest.
          chunk = await this.readable(chunk, skipped, error);
          if (chunk.length > 0) await this.mapChunk(chunk, source.mapping);
        }
        if (chunk.length > 0) {
          const summary = await engine.all<{ missing: string; inside: boolean; n: number }>(
            // A row without an event time counts as inside: it is rejected, whatever the range.
            `SELECT ${missingColumnsSql(required)} AS missing, coalesce(${inRange}, TRUE) AS inside, count(*)::BIGINT AS n FROM reprocess_chunk GROUP BY ALL`,
          );
          for (const row of summary) {
            const n = Number(row.n);
            counts.mapped += n;
            if (row.missing !== '' && row.inside) {
              counts.rejected += n;
              rejectedByMissing[row.missing] = (rejectedByMissing[row.missing] ?? 0) + n;
            } else if (row.missing === '' && !row.inside) counts.outsideRange += n;
          }
          const insert = `INSERT INTO ${staging} BY NAME SELECT * FROM reprocess_chunk WHERE ${requiredPredicate(required)} AND ${inRange}`;
          const [inserted] = request.dryRun ? await engine.all<{ Count: number }>(insert) : await lakehouse.commit(`stage ${request.spec.name}`, (tx) => tx.all<{ Count: number }>(insert));
          counts.staged += Number(inserted?.Count ?? 0);
          await insertValues(engine, 'reprocess_uris', chunk.map((file) => file.uri));
        }
        done.files += source.files.slice(start, start + request.batchFiles).length;
        done.bytes += source.files.slice(start, start + request.batchFiles).reduce((sum, file) => sum + file.bytes, 0);
        bar.update({ files: done.files, rows: counts.staged, bytes: done.bytes });
      }
    }
    bar.finish();
    return { rawFiles: { listed: files.length, read: files.length - skipped.length, bytes: totalBytes, skipped }, rows: counts, rejectedByMissing };
  }

  private async mapChunk(files: readonly RawFile[], mapping: CompiledMapping): Promise<void> {
    await this.deps.engine.run(lineageTableSql(files));
    await this.deps.engine.run(`CREATE OR REPLACE TEMP TABLE reprocess_chunk AS ${chunkSelectSql(files, mapping)}`);
  }

  /** The files of a chunk that have the raw schema; the others are recorded as skipped. */
  private async readable(files: readonly RawFile[], skipped: { uri: string; problem: string }[], cause: unknown): Promise<RawFile[]> {
    const good: RawFile[] = [];
    for (const file of files) {
      try {
        await assertSchema(this.deps.engine, file.path, RAW_SCHEMA);
        good.push(file);
      } catch (error) {
        skipped.push({ uri: file.uri, problem: describeError(error) });
      }
    }
    if (good.length === files.length) throw cause; // not a file's fault
    return good;
  }

  private async compare(request: ReprocessRequest, staging: string, exists: boolean, inRange: string): Promise<Pick<ReprocessReport, 'current' | 'diff'>> {
    const { engine, lakehouse } = this.deps;
    const { key, version } = request.spec.identity;
    const time = sqlIdentifier(request.spec.eventTimeColumn);
    const staged = `SELECT * FROM ${staging} QUALIFY row_number() OVER (PARTITION BY ${sqlIdentifier(key)}, ${sqlIdentifier(version)} ORDER BY ${time}) = 1`;
    if (!exists) {
      const [row] = await engine.all<{ n: number }>(`SELECT count(*)::BIGINT AS n FROM (${staged})`);
      return { current: { rows: 0, replaced: 0, kept: 0 }, diff: { unchanged: 0, changed: 0, added: Number(row?.n ?? 0), removed: 0, changedByColumn: {} } };
    }
    const target = lakehouse.table(request.spec.name);
    const tableColumns = new Set((await engine.all<{ column_name: string }>(`SELECT column_name FROM (DESCRIBE ${target})`)).map((row) => row.column_name));
    const compared = request.dataset.columns.map((c) => c.name).filter((name) => tableColumns.has(name));
    const [current] = await engine.all<{ rows: number; replaced: number }>(
      `SELECT count(*)::BIGINT AS rows, count(*) FILTER (WHERE _raw_uri IN (SELECT uri FROM reprocess_uris))::BIGINT AS replaced FROM ${target} WHERE ${inRange}`,
    );
    const k = sqlIdentifier(key);
    const v = sqlIdentifier(version);
    const differs = (name: string) => `c.${sqlIdentifier(name)} IS DISTINCT FROM n.${sqlIdentifier(name)}`;
    const anyDiffers = compared.length === 0 ? 'FALSE' : compared.map(differs).join(' OR ');
    const [diff] = await engine.all<Record<string, number>>(
      `WITH c AS (SELECT * FROM ${target} WHERE ${inRange} AND _raw_uri IN (SELECT uri FROM reprocess_uris)), n AS (${staged}) ` +
        `SELECT count(*) FILTER (WHERE c.${k} IS NULL)::BIGINT AS added, count(*) FILTER (WHERE n.${k} IS NULL)::BIGINT AS removed, ` +
        `count(*) FILTER (WHERE c.${k} IS NOT NULL AND n.${k} IS NOT NULL AND (${anyDiffers}))::BIGINT AS changed, ` +
        `count(*) FILTER (WHERE c.${k} IS NOT NULL AND n.${k} IS NOT NULL AND NOT (${anyDiffers}))::BIGINT AS unchanged` +
        compared.map((name, index) => `, count(*) FILTER (WHERE c.${k} IS NOT NULL AND n.${k} IS NOT NULL AND ${differs(name)})::BIGINT AS "c${index}"`).join('') +
        ` FROM c FULL OUTER JOIN n ON c.${k} = n.${k} AND c.${v} = n.${v}`,
    );
    const changedByColumn = Object.fromEntries(compared.map((name, index) => [name, Number(diff?.[`c${index}`] ?? 0)]).filter(([, n]) => Number(n) > 0));
    const rows = Number(current?.rows ?? 0);
    const replaced = Number(current?.replaced ?? 0);
    return {
      current: { rows, replaced, kept: rows - replaced },
      diff: { unchanged: Number(diff?.['unchanged'] ?? 0), changed: Number(diff?.['changed'] ?? 0), added: Number(diff?.['added'] ?? 0), removed: Number(diff?.['removed'] ?? 0), changedByColumn },
    };
  }

  /** ONE catalog transaction: delete the replaced rows, insert the staged ones, drop the staging table. */
  private async swap(request: ReprocessRequest, staging: string, inRange: string): Promise<NonNullable<ReprocessReport['swap']>> {
    const { lakehouse } = this.deps;
    const target = lakehouse.table(request.spec.name);
    const result = await this.deps.progress.step(`swapping the new rows of ${request.spec.name} in (one commit)`, () =>
      lakehouse.commit(`reprocess ${request.spec.name}`, async (tx) => {
        const [deleted] = await tx.all<{ Count: number }>(`DELETE FROM ${target} WHERE ${inRange} AND _raw_uri IN (SELECT uri FROM reprocess_uris)`);
        const inserted = await lakehouse.appendDistinct(tx, request.spec, staging);
        await tx.run(`DROP TABLE ${staging}`);
        return { deleted: Number(deleted?.Count ?? 0), inserted };
      }),
    );
    return { ...result, snapshotId: await lakehouse.currentSnapshot() };
  }
}

async function insertValues(engine: ParquetEngine, table: string, values: readonly string[]): Promise<void> {
  for (let start = 0; start < values.length; start += 1_000) {
    const slice = values.slice(start, start + 1_000);
    if (slice.length > 0) await engine.run(`INSERT INTO ${table} VALUES ${slice.map((value) => `(${sqlString(value)})`).join(', ')}`);
  }
}

function formatN(value: number | undefined): string {
  return Number(value ?? 0).toLocaleString('en-US');
}
