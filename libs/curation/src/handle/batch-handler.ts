import {
  compileMapping,
  curatedTableSpec,
  describeError,
  FluxoError,
  parseFileReference,
  sqlIdentifier,
  type CompiledMapping,
  type DefinitionCatalog,
  type DriftSummaryFields,
  type FileReference,
  type Logger,
} from '@fluxo/schema';
import { ParquetIoError, sqlFilePath, type Lake, type ParquetEngine } from '@fluxo/parquet-io';
import { LakehouseError, type ConsumedRawFiles, type ConsumerProgress, type Lakehouse, type TableSpec } from '@fluxo/lakehouse';
import { type CuratedAnnouncer, type BatchInput } from '../announce/curated-announcer';
import { stageRawFile } from '../curate/stage-raw-file';
import type { CurateEngine } from '../curate/curate-engine';
import type { CommitObserver, CommittedInput, ConsumedReference } from '../ports';
import type { DeadLetters } from './dead-letters';
import { verifyRawReference, type VerifiedRawFile } from './raw-reference';
import { addDrift, DriftWatch, type DriftAlarm } from './drift-watch';
import { NormalizerError } from '../errors';

export interface CommitLimits {
  /** Raw rows per commit at most (a single larger file still commits alone). */
  readonly maxRows: number;
  /** Raw bytes per commit at most (likewise). */
  readonly maxBytes: number;
  /**
   * Once the first file of a commit has waited this long (staging the files after it), no further
   * file joins: the commit starts. Bounds how long a backlog's commit keeps a reference waiting.
   * Default: no age limit.
   */
  readonly maxAgeMs?: number;
}

export interface BatchHandlerDeps {
  readonly engine: ParquetEngine;
  /** Where raw rows are mapped (issue 12): the embedded DuckDB when absent, or Spark. Commits stay `engine`'s. */
  readonly curate?: CurateEngine;
  readonly lake: Lake;
  /** Where raw files are verified when they are not in `lake`: the lake on S3-compatible storage (S3Lake). */
  readonly rawLake?: Pick<Lake, 'verifyFile'>;
  readonly lakehouse: Lakehouse;
  readonly progress: ConsumerProgress;
  /** Raw files committed per group, for raw-zone retention. */
  readonly consumed: ConsumedRawFiles;
  /**
   * The definitions in force, read at each use: a `DefinitionWatcher` swaps them when the folder changes.
   * `refresh()` scans the folder now (true when this scan changed the catalog): called only when a reference
   * names a source the catalog does not know, so a source added a moment ago is curated, not dead-lettered;
   * the reference is verified again whenever `catalog` changed meanwhile, whichever scan changed it.
   */
  readonly definitions: { readonly catalog: DefinitionCatalog; readonly refresh?: () => Promise<boolean> };
  readonly announcer: CuratedAnnouncer;
  readonly deadLetters: DeadLetters;
  /** The consumer group: progress is committed per group, topic and partition. */
  readonly group: string;
  readonly limits: CommitLimits;
  /** Attempts at one raw file that keeps failing with a retriable error before it is dead-lettered. */
  readonly maxAttempts: number;
  /** Consecutive raw files with a column absent or uncastable in every row before SCHEMA_DRIFT (default 3). */
  readonly driftFiles?: number;
  readonly logger: Logger;
  /** Hears about every commit and about rows kept out (metrics, lineage). Optional. */
  readonly observer?: CommitObserver;
}

export interface BatchOutcome {
  /** Records already in the tables (a replay after a crash), skipped. */
  readonly alreadyCommitted: number;
  readonly commits: number;
  readonly curatedRows: number;
  readonly rejectedRows: number;
  readonly deadLettered: number;
}

/** Per dataset, what one commit brings: its table, the staged files' accepted rows and the raw inputs. */
interface DatasetWork {
  readonly table: TableSpec;
  /** Temp view over the accepted rows of every staged file (created just before the commit). */
  readonly staging: string;
  /** Per staged file: the `SELECT` of its accepted rows. */
  readonly accepted: string[];
  /** Temp table of the (key, version) pairs staged so far: a later file's copy of one is dropped at staging. */
  readonly identities: string;
  readonly inputs: BatchInput[];
  /** Schema drift of the staged raw files, announced with the commit's curated references. */
  drift: DriftSummaryFields | undefined;
  /** The same inputs with what staging found (rows, fetch time), for the commit report. */
  readonly staged: CommittedInput[];
}

/**
 * Curates consecutive records of one raw-files partition with exactly-once effect:
 *
 * 1. Records below the partition's progress committed in the catalog are already in the tables (a
 *    replay after a crash): their commits are announced again (same ids) and they are skipped.
 * 2. The rest is cut into commits bounded by raw rows, bytes and age (how long the first file of a
 *    commit has waited). Each raw file is verified and staged (mapped, typed; incomplete rows
 *    quarantined) into a temp table of its own; a file that cannot be curated is dead-lettered and
 *    the batch goes on. Memory follows the commit limits, never the backlog.
 * 3. One catalog transaction appends the staged rows not already in each table and records the
 *    partition's new progress: data and progress become visible together or not at all.
 * 4. Then the new data files are announced; the consumer commits the Kafka offsets last.
 *
 * Retriable failures (disk, catalog, broker) are thrown: the consumer offers the same records again.
 */
export class BatchHandler {
  private readonly mappings = new Map<string, CompiledMapping>();
  /** The catalog `mappings` were compiled from. */
  private mappingsCatalog: DefinitionCatalog | undefined;
  private readonly attempts = new Map<string, number>();
  private readonly driftWatch: DriftWatch;
  /** Failed commits per first record of the group, for out-of-memory in the commit itself. */
  private readonly commitAttempts = new Map<string, number>();
  /** Records to commit alone: their group kept running out of memory when committed together. */
  private readonly isolated = new Set<string>();

  constructor(private readonly deps: BatchHandlerDeps) {
    this.driftWatch = new DriftWatch(deps.driftFiles);
  }

  /**
   * `revoked` (the consumer's: a rebalance is moving partitions) stops the batch between two
   * commits: what is committed stays, with its progress; the rest is the next owner's.
   */
  async handle(messages: readonly ConsumedReference[], revoked?: AbortSignal): Promise<BatchOutcome> {
    const first = messages[0];
    if (first === undefined) return { alreadyCommitted: 0, commits: 0, curatedRows: 0, rejectedRows: 0, deadLettered: 0 };
    await this.deps.progress.start(this.deps.group, first.topic, first.partition);
    const committed = await this.deps.progress.read(this.deps.group, first.topic, first.partition);
    const committedOffset = BigInt(committed?.nextOffset ?? '0');
    const done = messages.filter((m) => BigInt(m.offset) < committedOffset);
    if (done.length > 0) await this.announceAgain(done);
    const outcome = { alreadyCommitted: done.length, commits: 0, curatedRows: 0, rejectedRows: 0, deadLettered: 0 };
    let pending = messages.filter((m) => BigInt(m.offset) >= committedOffset);
    while (pending.length > 0) {
      if (revoked?.aborted === true) {
        this.deps.logger.info({ partition: first.partition, left: pending.length, from: pending[0]?.offset }, 'partition revoked by a rebalance: the rest of the batch is left to its next owner');
        break;
      }
      const result = await this.commitNext(pending);
      pending = pending.slice(result.consumed);
      outcome.commits += 1;
      outcome.curatedRows += result.curatedRows;
      outcome.rejectedRows += result.rejectedRows;
      outcome.deadLettered += result.deadLettered;
    }
    return outcome;
  }

  /**
   * Whether `message` still joins the commit that began at `startedAtMs` with `taken` rows and bytes
   * so far (the first always does): within the row, byte and age limits, judged by what each
   * reference announces; a record isolated after repeated out-of-memory commits goes alone.
   */
  private joins(message: ConsumedReference, commit: { readonly rows: number; readonly bytes: number; readonly first: ConsumedReference | undefined; readonly startedAtMs: number }): boolean {
    if (commit.first === undefined) return true;
    if (this.isolated.has(attemptKey(commit.first)) || this.isolated.has(attemptKey(message))) return false;
    const { maxRows, maxBytes, maxAgeMs } = this.deps.limits;
    const size = announcedSize(message);
    if (commit.rows + size.rows > maxRows || commit.bytes + size.bytes > maxBytes) return false;
    return maxAgeMs === undefined || Date.now() - commit.startedAtMs < maxAgeMs;
  }

  /** Stages the longest prefix of `pending` within the commit limits and commits it: one catalog transaction. */
  private async commitNext(pending: readonly ConsumedReference[]): Promise<{ consumed: number; curatedRows: number; rejectedRows: number; deadLettered: number }> {
    const { lakehouse, progress, engine, logger } = this.deps;
    const started = Date.now();
    const work = new Map<string, DatasetWork>();
    const stagingTables: string[] = [];
    const messages: ConsumedReference[] = [];
    let rejectedRows = 0;
    let deadLettered = 0;
    try {
      const taken = { rows: 0, bytes: 0, first: undefined as ConsumedReference | undefined, startedAtMs: started };
      for (const message of pending) {
        if (!this.joins(message, taken)) break;
        const size = announcedSize(message);
        taken.rows += size.rows;
        taken.bytes += size.bytes;
        taken.first ??= message;
        messages.push(message);
        const staged = await this.stage(message, work, stagingTables);
        if (staged === 'dead-lettered') deadLettered += 1;
        else rejectedRows += staged.rejectedRows;
      }
      const stageMs = Date.now() - started;
      // A dataset whose every file of the group was dead-lettered has no staging table: nothing to append.
      const staged = [...work.values()].filter((entry) => entry.inputs.length > 0);
      for (const { table, staging, accepted } of staged) {
        await lakehouse.ensureTable(table);
        await engine.run(`CREATE OR REPLACE TEMP VIEW ${staging} AS ${accepted.join(' UNION ALL BY NAME ')}`);
      }
      const last = messages[messages.length - 1];
      if (last === undefined) return { consumed: 0, curatedRows: 0, rejectedRows, deadLettered };
      const inserted = new Map<string, number>();
      const from = messages[0]?.offset ?? last.offset;
      const write = async (entries: readonly DatasetWork[]): Promise<number> =>
        (await lakehouse.commitSnapshot(`curate ${last.topic}[${last.partition}]@${from}..${last.offset}`, async (tx) => {
          for (const { table, staging } of entries) inserted.set(table.name, await lakehouse.appendDistinct(tx, table, staging, { sourceDistinct: true }));
          await this.deps.consumed.record(tx, this.deps.group, entries.flatMap((entry) => entry.inputs.map((input) => input.reference.uri)));
          await progress.advance(tx, { group: this.deps.group, topic: last.topic, partition: last.partition, nextOffset: (BigInt(last.offset) + 1n).toString() }, from);
        })).snapshotId;
      let committed = staged;
      let snapshotId: number;
      const writeStarted = Date.now();
      try {
        try {
          snapshotId = await write(staged);
        } catch (error) {
          if (!(error instanceof ParquetIoError && error.code === 'OUT_OF_MEMORY')) throw error;
          await this.outOfMemoryAtCommit(messages, error); // throws, unless it dead-lettered a lone file
          deadLettered += 1;
          committed = [];
          inserted.clear();
          snapshotId = await write(committed); // the partition moves past it
        }
      } catch (error) {
        if (!(error instanceof LakehouseError && error.code === 'PROGRESS_MOVED')) throw error;
        logger.warn({ partition: last.partition, offsets: `${from}..${last.offset}`, error: error.message }, 'another member committed these records meanwhile; nothing written');
        return { consumed: messages.length, curatedRows: 0, rejectedRows, deadLettered };
      }
      const commitMs = Date.now() - writeStarted;
      const committedAtMs = Date.now();
      let files = 0;
      const datasets = [];
      for (const { table, inputs, drift, staged: stagedInputs } of committed) {
        const added = await this.deps.announcer.announce(snapshotId, table, inputs, drift);
        files += added.length;
        datasets.push({ table, inputs: stagedInputs, files: added });
      }
      await this.deps.observer?.committed({ group: this.deps.group, snapshotId, startedAtMs: started, committedAtMs, replayed: false, datasets });
      for (const message of messages) {
        this.attempts.delete(attemptKey(message));
        this.isolated.delete(attemptKey(message));
      }
      this.commitAttempts.delete(groupKey(messages));
      const curatedRows = [...inserted.values()].reduce((a, b) => a + b, 0);
      logger.info(
        {
          partition: last.partition,
          offsets: `${messages[0]?.offset ?? last.offset}..${last.offset}`,
          rawFiles: messages.length,
          rows: curatedRows,
          rejected: rejectedRows,
          deadLettered,
          files,
          snapshot: snapshotId,
          stageMs,
          commitMs,
          ms: Date.now() - started,
        },
        'committed curated batch',
      );
      return { consumed: messages.length, curatedRows, rejectedRows, deadLettered };
    } finally {
      for (const { staging, identities } of work.values()) await engine.run(`DROP VIEW IF EXISTS ${staging}; DROP TABLE IF EXISTS ${identities}`);
      for (const table of stagingTables) await engine.run(`DROP TABLE IF EXISTS ${table}`);
    }
  }

  /**
   * The commit of a group ran out of memory (its files staged, appending them did not fit). It is
   * retried `maxAttempts` times; then its files are committed one at a time, and a file that still
   * cannot be committed alone after `maxAttempts` is dead-lettered (ATTEMPTS_EXHAUSTED, lastCode
   * OUT_OF_MEMORY, step commit) — so no file stalls its partition, and no good file goes with it.
   * Throws the error for the consumer to retry, except when it dead-lettered a lone file.
   */
  private async outOfMemoryAtCommit(messages: readonly ConsumedReference[], error: ParquetIoError): Promise<void> {
    const key = groupKey(messages);
    const failures = (this.commitAttempts.get(key) ?? 0) + 1;
    if (this.commitAttempts.size > 10_000) this.commitAttempts.clear();
    if (failures < this.deps.maxAttempts) {
      this.commitAttempts.set(key, failures);
      throw error;
    }
    this.commitAttempts.delete(key);
    const [message, ...others] = messages;
    if (message === undefined) throw error;
    if (others.length > 0) {
      if (this.isolated.size > 10_000) this.isolated.clear();
      for (const each of messages) this.isolated.add(attemptKey(each));
      this.deps.logger.warn({ partition: message.partition, offsets: `${message.offset}..${messages[messages.length - 1]?.offset}`, attempts: failures }, 'a commit keeps running out of memory; committing its raw files one at a time');
      throw error;
    }
    let reference: FileReference | undefined;
    try {
      reference = parseFileReference(message.value ?? Buffer.alloc(0));
    } catch {
      // staged, so it parsed; nothing to add if not
    }
    await this.deps.deadLetters.send({
      message,
      reason: 'ATTEMPTS_EXHAUSTED',
      description: `gave up after ${this.deps.maxAttempts} attempts to commit it: ${describeError(error)}`,
      ...(reference === undefined ? {} : { reference }),
      details: { lastCode: error.code, step: 'commit' },
    });
    this.isolated.delete(attemptKey(message));
  }

  /** Verifies and stages one raw file; anything that would fail again is dead-lettered instead. */
  private async stage(message: ConsumedReference, work: Map<string, DatasetWork>, stagingTables: string[]): Promise<{ rejectedRows: number } | 'dead-lettered'> {
    let reference: FileReference | undefined;
    try {
      const raw = await this.verify(message, (parsed) => (reference = parsed));
      const entry = this.workFor(raw, work);
      const stagingTable = `staged_file_${stagingTables.length}`;
      const staged = await stageRawFile(this.deps, {
        rawPath: raw.path,
        dataset: raw.dataset,
        mapping: this.mappingOf(raw),
        lineage: { source: raw.source.name, rawUri: raw.reference.uri, topic: message.topic, partition: message.partition, offset: message.offset },
        stagingTable,
        afterRead: raw.assertUnchanged,
      });
      stagingTables.push(stagingTable);
      await this.keepFirstCopies(entry, stagingTable, staged.acceptedSql);
      entry.accepted.push(staged.acceptedSql);
      entry.inputs.push({ message, reference: raw.reference });
      entry.drift = addDrift(entry.drift, staged.drift);
      for (const alarm of this.driftWatch.observe(raw.source.name, staged.drift)) await this.raiseDrift(message, raw, alarm);
      entry.staged.push({ message, reference: raw.reference, rows: staged.rows, fetchedAtMs: staged.fetchedAtMs });
      if (staged.rejected !== null) {
        this.deps.observer?.rowsQuarantined('ROWS_REJECTED', staged.rejected.rows);
        const byColumn = new Map<string, number>();
        for (const [columns, rows] of Object.entries(staged.rejected.missing)) for (const column of columns.split(',')) byColumn.set(column, (byColumn.get(column) ?? 0) + rows);
        const named = [...byColumn].map(([column, rows]) => `${column} (${rows})`).join(', ');
        await this.deps.deadLetters.send({
          message,
          reason: 'ROWS_REJECTED',
          description: `${staged.rejected.rows} row(s) of ${raw.reference.uri} lack required column(s) ${named} and were quarantined`,
          reference: raw.reference,
          quarantineUri: staged.rejected.uri,
          details: { missingColumns: staged.rejected.missing, columns: Object.fromEntries(byColumn) },
        });
      }
      return { rejectedRows: staged.rejected?.rows ?? 0 };
    } catch (error) {
      // The engine is away (Spark Connect unreachable): not this file's fault, so no attempt is counted;
      // the consumer retries with back-off until it returns.
      if (error instanceof NormalizerError && error.code === 'ENGINE_UNAVAILABLE') throw error;
      if (error instanceof FluxoError && error.retriable && this.attempt(message) < this.deps.maxAttempts) throw error;
      const exhausted = error instanceof FluxoError && error.retriable;
      const reason = exhausted ? 'ATTEMPTS_EXHAUSTED' : error instanceof FluxoError ? error.code : 'UNEXPECTED';
      if (!(error instanceof FluxoError)) this.deps.logger.error({ err: describeError(error), stack: (error as Error).stack }, 'unexpected failure');
      await this.deps.deadLetters.send({
        message,
        reason,
        description: exhausted ? `gave up after ${this.deps.maxAttempts} attempts: ${describeError(error)}` : describeError(error),
        ...(reference === undefined ? {} : { reference }),
        ...(error instanceof FluxoError ? { details: { ...error.context, ...(exhausted ? { lastCode: error.code } : {}) } } : {}),
      });
      this.attempts.delete(attemptKey(message));
      this.deps.observer?.rowsQuarantined(reason, reference?.rows ?? 0);
      return 'dead-lettered';
    }
  }

  /**
   * Every (key, version) once per commit, without holding the commit's rows twice: a staged file's
   * rows whose identity an earlier file of the commit staged are dropped (the earlier file was
   * fetched first), and its own identities are recorded — so the commit appends with `sourceDistinct`.
   */
  private async keepFirstCopies(entry: DatasetWork, stagingTable: string, acceptedSql: string): Promise<void> {
    const { engine } = this.deps;
    const { key, version } = entry.table.identity;
    const [k, v, table] = [sqlIdentifier(key), sqlIdentifier(version), sqlIdentifier(stagingTable)];
    if (entry.accepted.length === 0) {
      await engine.run(`CREATE OR REPLACE TEMP TABLE ${entry.identities} AS SELECT ${k} AS k, ${v} AS v FROM (${acceptedSql})`);
      return;
    }
    await engine.run(`DELETE FROM ${table} s USING ${entry.identities} i WHERE s.${k} = i.k AND s.${v} = i.v`);
    await engine.run(`INSERT INTO ${entry.identities} SELECT ${k}, ${v} FROM (${acceptedSql})`);
  }

  /** A column lost in every row of several consecutive files: one dead letter, with a sample raw record. */
  private async raiseDrift(message: ConsumedReference, raw: VerifiedRawFile, alarm: DriftAlarm): Promise<void> {
    const [sample] = await this.deps.engine.all<{ record: string }>(`SELECT record FROM read_parquet(${sqlFilePath(raw.path)}) LIMIT 1`);
    const what = alarm.absent >= alarm.rows ? `absent from every record` : alarm.invalid >= alarm.rows ? `not castable to the column's type in any record` : `absent or not castable in every record`;
    await this.deps.deadLetters.send({
      message,
      reason: 'SCHEMA_DRIFT',
      description: `column ${alarm.column} of ${raw.dataset.name} (path "${alarm.path}" of source ${alarm.source}) was ${what} in ${alarm.files} consecutive raw files: the API changed or the definition is wrong`,
      reference: raw.reference,
      details: { ...alarm, sample: (sample?.record ?? '').slice(0, 4096) },
    });
  }

  /** Re-announces the commits that replayed records already made (a crash came before their announcement). */
  private async announceAgain(done: readonly ConsumedReference[]): Promise<void> {
    const first = done[0];
    if (first === undefined) return;
    const inputs: BatchInput[] = [];
    for (const message of done) {
      try {
        inputs.push({ message, reference: parseFileReference(message.value ?? Buffer.alloc(0)) });
      } catch {
        // dead-lettered when it was first handled
      }
    }
    // Only the partition's last commit can be unannounced: each commit is announced before the next.
    const last = await this.deps.progress.read(this.deps.group, first.topic, first.partition);
    if (last === null) return;
    for (const dataset of new Set(inputs.map((input) => input.reference.dataset))) {
      const ofDataset = inputs.filter((input) => input.reference.dataset === dataset);
      const table = this.tableOfSource(ofDataset[0]?.reference.source);
      if (table === null) continue;
      const files = await this.deps.announcer.announce(last.snapshotId, table, ofDataset);
      const replayed = ofDataset.map((input) => ({ ...input, rows: input.reference.rows, fetchedAtMs: null }));
      await this.deps.observer?.committed({ group: this.deps.group, snapshotId: last.snapshotId, startedAtMs: Date.now(), committedAtMs: Date.now(), replayed: true, datasets: [{ table, inputs: replayed, files }] });
    }
    this.deps.logger.info({ partition: first.partition, skipped: done.length, snapshot: last.snapshotId }, 'records already committed to the tables; announced their commit again and skipped them');
  }

  /** The table a source feeds, or null for a source this normalizer does not know (dead-lettered then). */
  private tableOfSource(sourceName: string | undefined): TableSpec | null {
    if (sourceName === undefined) return null;
    try {
      const catalog = this.catalog();
      const source = catalog.source(sourceName);
      return curatedTableSpec(catalog.dataset(source.dataset), this.mappingOfSource(source.name));
    } catch {
      return null;
    }
  }

  private workFor(raw: VerifiedRawFile, work: Map<string, DatasetWork>): DatasetWork {
    let entry = work.get(raw.dataset.name);
    if (entry === undefined) {
      entry = {
        table: curatedTableSpec(raw.dataset, this.mappingOf(raw)),
        staging: `"stage_${raw.dataset.name}"`,
        accepted: [],
        identities: `"staged_identities_${raw.dataset.name}"`,
        inputs: [],
        drift: undefined,
        staged: [],
      };
      work.set(raw.dataset.name, entry);
    }
    return entry;
  }

  private mappingOf(raw: VerifiedRawFile): CompiledMapping {
    return this.mappingOfSource(raw.source.name);
  }

  private mappingOfSource(sourceName: string): CompiledMapping {
    const catalog = this.catalog();
    let mapping = this.mappings.get(sourceName);
    if (mapping === undefined) {
      const source = catalog.source(sourceName);
      mapping = compileMapping(source, catalog.dataset(source.dataset));
      this.mappings.set(sourceName, mapping);
    }
    return mapping;
  }

  /** Verifies a raw reference; a source unknown to the catalog is looked for once more in the definitions folder. */
  private async verify(message: ConsumedReference, parsed: (reference: FileReference) => void): Promise<VerifiedRawFile> {
    const verify = () => verifyRawReference({ engine: this.deps.engine, lake: this.deps.rawLake ?? this.deps.lake, catalog: this.catalog() }, message, parsed);
    const before = this.deps.definitions.catalog;
    try {
      return await verify();
    } catch (error) {
      if (!(error instanceof FluxoError && error.code === 'UNKNOWN_SOURCE')) throw error;
      // Whoever applies the new definitions — this scan, or the watcher's periodic scan already under
      // way when it was asked (then this one finds nothing new) — the catalog in force has changed.
      await this.deps.definitions.refresh?.();
      if (this.deps.definitions.catalog === before) throw error;
      return verify();
    }
  }

  /** The definitions in force; compiled mappings are dropped when they changed, so a new mapping applies from the next file on. */
  private catalog(): DefinitionCatalog {
    const catalog = this.deps.definitions.catalog;
    if (catalog !== this.mappingsCatalog) {
      this.mappings.clear();
      this.mappingsCatalog = catalog;
    }
    return catalog;
  }

  private attempt(message: ConsumedReference): number {
    const key = attemptKey(message);
    const count = (this.attempts.get(key) ?? 0) + 1;
    if (this.attempts.size > 10_000) this.attempts.clear(); // bounded: only the records of the batch in hand matter
    this.attempts.set(key, count);
    return count;
  }
}

/** Commits are counted by the record they start at: a retry may cut the group elsewhere (age limit), never start elsewhere. */
function groupKey(messages: readonly ConsumedReference[]): string {
  const first = messages[0];
  return first === undefined ? '' : attemptKey(first);
}

function attemptKey(message: ConsumedReference): string {
  return `${message.topic}\u0000${message.partition}\u0000${message.offset}`;
}

/** Rows and bytes a reference announces (0 when it does not parse: it will be dead-lettered). */
function announcedSize(message: ConsumedReference): { rows: number; bytes: number } {
  try {
    const reference = parseFileReference(message.value ?? Buffer.alloc(0));
    return { rows: reference.rows, bytes: reference.bytes };
  } catch {
    return { rows: 0, bytes: 0 };
  }
}
