import { createHash } from 'node:crypto';
import {
  deadLetterEvent,
  describeError,
  encodeOriginal,
  JsonSyntaxError,
  redactUrl,
  ResponseExtraction,
  ResponseShapeError,
  unmappedFields,
  type Announcer,
  type ExtractedRecord,
  type ExtractionBatch,
  type FileReferenceFields,
  type Logger,
  type ProducerIdentity,
  type SourceInstance,
} from '@fluxo/schema';
import { stemTime, type RawFileBuilder, type StreamingRawFileSink } from '@fluxo/parquet-io';
import { Outbox, type DurableFiles, type PendingAnnouncements } from '@fluxo/producer';
import type { HttpFetcher, Validators } from '../http/http-fetcher';
import { retryDelayMs, type RetryPolicy } from '../http/retry-delay';
import type { Quarantine } from '../ports';
import { applyUpdate, type PollUpdate, type SourceState } from '../state/poll-state';
import type { StateStore } from '../state/state-store';
import { BodySpool } from './body-spool';
import { firstPageUrl, nextPage } from './paging';
import { PollCollector, type PageCollector } from './poll-collector';

export interface SourcePollerDeps {
  readonly instance: SourceInstance;
  readonly fetcher: Pick<HttpFetcher, 'fetchWith'>;
  readonly retry: RetryPolicy;
  readonly store: StateStore;
  readonly pending: PendingAnnouncements<PollUpdate>;
  readonly rawFiles: StreamingRawFileSink;
  readonly files: DurableFiles;
  readonly announcer: Announcer;
  readonly quarantine: Quarantine;
  readonly producer: ProducerIdentity;
  readonly seenTtlMs: number;
  /** Largest record (JSON text, with its context) written; larger ones are dead-lettered as RECORD_TOO_LARGE. */
  readonly maxRecordBytes: number;
  /** Where bodies too large to keep in memory are spooled while they stream (for quarantine). */
  readonly spoolDir: string;
  readonly logger: Logger;
}

/** How much of a rejected record or body a dead letter carries. */
const PREVIEW_BYTES = 64 * 1024;
/** Quarantined bodies remembered per source, so a source serving the same broken bytes is kept once. */
const QUARANTINE_MEMORY = 32;
/** Records handed to the raw file at once. */
const APPEND_BATCH = 2048;
/** Findings (rejected records, duplicate keys, unmapped fields) remembered per source so each is reported once. */
const REPORTED_MEMORY = 100_000;

export type PollOutcome =
  | { readonly kind: 'not-modified' }
  | { readonly kind: 'unchanged'; readonly records: number }
  | { readonly kind: 'announced'; readonly reference: FileReferenceFields; readonly records: number }
  | { readonly kind: 'quarantined'; readonly reason: string; readonly uri: string };

/** One page read: in full, or its body kept for quarantine. */
type PageOutcome =
  | { readonly kind: 'read'; readonly page: PageCollector; readonly envelope: ReadonlyMap<string, unknown>; readonly headers: Readonly<Record<string, string | string[] | undefined>>; readonly validators: Validators; readonly fetchedAt: Date }
  | { readonly kind: 'not-modified' }
  | Extract<PollOutcome, { kind: 'quarantined' }>;

/**
 * One polling source. A poll fetches every page, keeps only new or changed record versions, writes
 * them as one raw Parquet file and hands it over to the producer outbox (libs/producer), which
 * announces its reference and only then advances the source's state:
 *
 *   stream pages into a raw file → stage it (temp name) → record pending announcement → commit
 *   (rename) → publish (acks=all) → advance state → drop pending
 *
 * Bodies are streamed: records are extracted as the bytes arrive and appended to the raw file in
 * batches, so memory does not grow with the response. A crash anywhere leaves either nothing
 * visible (the poll is redone) or a pending announcement that `recover()` finishes with the same
 * event id and file: nothing is lost, and no data is announced twice as two different files.
 */
export class SourcePoller {
  private readonly logger: Logger;
  private readonly outbox: Outbox<PollUpdate>;
  private state: SourceState | undefined;
  /** SHA-256 → lake URI of bodies already quarantined (oldest first), bounded by QUARANTINE_MEMORY. */
  private readonly quarantined = new Map<string, string>();
  /** Rejected records, duplicate keys and unmapped fields already reported, so a feed repeating them does not flood the topic. */
  private readonly reported = new Set<string>();

  constructor(private readonly deps: SourcePollerDeps) {
    this.logger = deps.logger.child({ source: this.name });
    this.outbox = new Outbox({
      name: this.name,
      pending: deps.pending,
      files: deps.files,
      announcer: deps.announcer,
      advance: (update) => this.advance(update),
      producer: deps.producer,
      logger: this.logger,
    });
  }

  get name(): string {
    return this.deps.instance.definition.name;
  }

  /** Loads the state and finishes announcements a previous run left pending. */
  async recover(): Promise<number> {
    this.state = await this.deps.store.load(this.name, this.deps.instance.url);
    return this.outbox.recover();
  }

  async poll(): Promise<PollOutcome> {
    // Announcements that failed or were interrupted go first, so the same records never land in a second file.
    if (this.state === undefined) await this.recover();
    else await this.outbox.recover();
    const state = this.currentState();
    const { definition, url } = this.deps.instance;
    const paging = definition.request.paging;
    const collector = new PollCollector(state);
    const builder: { current: RawFileBuilder | undefined } = { current: undefined };
    try {
      let pageUrl: string | undefined = firstPageUrl(url, paging, definition.request.incremental, state.watermarkMs);
      let first: Extract<PageOutcome, { kind: 'read' }> | undefined;
      const fetched = new Set<string>();
      for (let number = 1; pageUrl !== undefined; number += 1) {
        fetched.add(pageUrl);
        const outcome = await this.readPage(pageUrl, number === 1 ? state.validators : {}, collector, builder);
        if (outcome.kind === 'quarantined') return outcome;
        if (outcome.kind === 'not-modified') {
          if (number === 1) return { kind: 'not-modified' };
          break;
        }
        first ??= outcome;
        const next = nextPage(paging, { url: pageUrl, number, records: outcome.page.records, headers: outcome.headers, envelope: outcome.envelope }, fetched);
        if ('stop' in next) {
          if (paging !== undefined) this.logger.debug({ pages: number, stop: next.stop }, 'paging stopped');
          pageUrl = undefined;
        } else {
          pageUrl = next.url;
        }
      }
      if (first === undefined) return { kind: 'not-modified' };
      await this.reportFindings(collector);
      const update: PollUpdate = {
        url,
        validators: first.validators,
        observed: [...collector.seen],
        observedAtMs: first.fetchedAt.getTime(),
        ...(definition.request.incremental === undefined || collector.newestEventMs === undefined ? {} : { watermarkMs: collector.newestEventMs }),
      };
      const written = builder.current;
      if (written === undefined || written.rows === 0) {
        await this.advance(update);
        this.logger.debug({ records: collector.records }, 'poll brought nothing new');
        return { kind: 'unchanged', records: collector.records };
      }
      builder.current = undefined;
      const reference = await this.writeAndAnnounce(written, `${stemTime(first.fetchedAt)}-${collector.stemHash()}`, update);
      return { kind: 'announced', reference, records: collector.records };
    } finally {
      await builder.current?.discard();
    }
  }

  private currentState(): SourceState {
    if (this.state === undefined) throw new Error(`state of ${this.name} is not loaded: call recover() first`);
    return this.state;
  }

  /**
   * Fetches one page and streams it into the raw file. A body that is not JSON is fetched again
   * (with backoff) before it is quarantined; one whose records are not where the definition says
   * is quarantined at once. Either way the page's rows are dropped from the raw file again.
   */
  private async readPage(url: string, validators: Validators, collector: PollCollector, builder: { current: RawFileBuilder | undefined }): Promise<PageOutcome> {
    const { instance } = this.deps;
    const envelope = instance.definition.request.paging?.cursorPath;
    for (let attempt = 1; ; attempt += 1) {
      const result = await this.deps.fetcher.fetchWith(url, instance.headers, validators, async (chunks, response) => {
        builder.current ??= await this.deps.rawFiles.open({ source: this.name, fetchedAt: response.fetchedAt });
        const file = builder.current;
        file.beginPart();
        const page = collector.page();
        const spool = new BodySpool(this.deps.spoolDir, PREVIEW_BYTES);
        const extraction = new ResponseExtraction(instance.definition, { envelope: envelope === undefined ? [] : [envelope], inventory: true });
        const pending: ExtractedRecord[] = [];
        try {
          for await (const chunk of chunks) {
            await spool.write(chunk);
            await this.take(extraction.write(chunk), page, pending, file, false);
          }
          const last = extraction.end();
          await this.take(last, page, pending, file, true);
          for (const field of extraction.fields()) page.fields.add(field);
          await spool.discard();
          return { ok: true as const, page, envelope: last.envelope };
        } catch (error) {
          await file.discardPart();
          if (error instanceof JsonSyntaxError || error instanceof ResponseShapeError) return { ok: false as const, error, spool };
          await spool.discard();
          throw error;
        }
      });
      if (result.status === 'not-modified') return { kind: 'not-modified' };
      const read = result.value;
      if (read.ok) {
        read.page.commit();
        return { kind: 'read', page: read.page, envelope: read.envelope, headers: result.headers, validators: result.validators, fetchedAt: result.fetchedAt };
      }
      if (read.error instanceof ResponseShapeError) return this.quarantine(read.spool, result.fetchedAt, 'RESPONSE_SHAPE', read.error.message);
      if (attempt > this.deps.retry.limit) return this.quarantine(read.spool, result.fetchedAt, 'MALFORMED_BODY', `Response is not JSON: ${describeError(read.error)}`);
      await read.spool.discard();
      const delayMs = retryDelayMs(this.deps.retry, attempt);
      this.logger.warn({ url: redactUrl(url), attempt, delayMs, code: 'MALFORMED_BODY', err: read.error.message }, 'response is not JSON; fetching again');
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }

  /** Selects a batch's new or changed records and appends them to the raw file. */
  private async take(batch: ExtractionBatch, page: PageCollector, pending: ExtractedRecord[], file: RawFileBuilder, last: boolean): Promise<void> {
    for (const rejected of batch.rejected) await this.deadLetterRecord(rejected.record, rejected.reason);
    for (const record of batch.records) {
      if (page.select(record) !== 'new') continue;
      const bytes = Buffer.byteLength(record.record) + (record.context === null ? 0 : Buffer.byteLength(record.context));
      if (bytes > this.deps.maxRecordBytes) {
        await this.deadLetterRecord(record.record, `record ${record.key} (version ${record.version}) is ${bytes} bytes, over the limit of ${this.deps.maxRecordBytes}`, 'RECORD_TOO_LARGE', {
          bytes,
          key: record.key,
          version: record.version,
        });
        continue;
      }
      page.wrote(record);
      pending.push(record);
    }
    if (pending.length >= APPEND_BATCH || (last && pending.length > 0)) await file.append(pending.splice(0, pending.length));
  }

  private async writeAndAnnounce(builder: RawFileBuilder, stem: string, update: PollUpdate): Promise<FileReferenceFields> {
    const file = { source: this.name, dataset: this.deps.instance.definition.dataset, stage: () => builder.finish(stem) };
    const [reference] = await this.outbox.handOver({ files: [file], deadLetters: [], checkpoint: update });
    if (reference === undefined) throw new Error("the outbox announced no reference for the poll's file");
    this.logger.info({ uri: reference.uri, rows: reference.rows, bytes: reference.bytes, eventId: reference.eventId }, 'announced raw file');
    return reference;
  }

  private async advance(update: PollUpdate): Promise<void> {
    this.state = applyUpdate(this.currentState(), update, this.deps.seenTtlMs);
    await this.deps.store.save(this.state);
  }

  /**
   * Reports, once each: keys the response held more than once with different versions (the first
   * is kept; without this they would be re-announced poll after poll), and record fields the
   * definition does not read.
   */
  private async reportFindings(collector: PollCollector): Promise<void> {
    const fresh = [...collector.duplicates.values()].filter((duplicate) => this.remember(`duplicate\u0000${duplicate.key}`));
    if (fresh.length > 0) {
      const total = [...collector.duplicates.values()].reduce((sum, d) => sum + d.count, 0);
      const sample = fresh.slice(0, 5);
      const message = `${collector.duplicates.size} key(s) appear more than once with different versions in one poll (${total} extra record(s)); the first of each was kept: ${sample.map((d) => d.key).join(', ')}${fresh.length > sample.length ? ', …' : ''}. The key does not identify a record: extend "key" (a composite key) or fix the version`;
      await this.deadLetter('DUPLICATE_KEY', message, sample.map((d) => d.other).join('\n'), {
        keys: collector.duplicates.size,
        extraRecords: total,
        sample: sample.map((d) => ({ key: d.key, keptVersion: d.kept, other: d.other.slice(0, 4096) })),
      });
      this.logger.warn({ reason: 'DUPLICATE_KEY', keys: collector.duplicates.size, extraRecords: total }, message);
    }
    const unmapped = unmappedFields(this.deps.instance.definition, collector.fields).filter((field) => this.remember(`field\u0000${field}`));
    if (unmapped.length > 0) {
      const message = `records hold field(s) the definition does not map: ${unmapped.join(', ')}`;
      await this.deadLetter('UNMAPPED_FIELDS', message, '', { fields: unmapped });
      this.logger.warn({ reason: 'UNMAPPED_FIELDS', fields: unmapped }, message);
    }
  }

  /** True the first time `finding` is seen (bounded memory). */
  private remember(finding: string): boolean {
    if (this.reported.has(finding)) return false;
    if (this.reported.size >= REPORTED_MEMORY) this.reported.clear();
    this.reported.add(finding);
    return true;
  }

  /**
   * Keeps a body that could not be processed and dead-letters it. The same bytes (by SHA-256) are
   * kept and dead-lettered once: a source that stays broken does not fill the lake or the topic.
   */
  private async quarantine(spool: BodySpool, at: Date, reason: string, message: string): Promise<Extract<PollOutcome, { kind: 'quarantined' }>> {
    const digest = spool.sha256();
    const known = this.quarantined.get(digest);
    if (known !== undefined) {
      await spool.discard();
      this.logger.warn({ reason, uri: known, sha256: digest }, `${message} (same bytes as already quarantined; not kept again)`);
      return { kind: 'quarantined', reason, uri: known };
    }
    const stem = `${stemTime(at)}-${digest.slice(0, 12)}`;
    const uri = await this.deps.quarantine.keep({ source: this.name, at, stem, body: await spool.content() });
    await spool.discard();
    await this.deps.announcer.deadLetter(
      deadLetterEvent({
        stage: 'ingest',
        reason,
        message,
        source: this.name,
        dataset: this.deps.instance.definition.dataset,
        original: { ...encodeOriginal(spool.preview()), key: redactUrl(this.deps.instance.url) },
        quarantineUri: uri,
        details: { bytes: spool.bytes, sha256: digest, truncated: spool.bytes > PREVIEW_BYTES },
      }),
    );
    if (this.quarantined.size >= QUARANTINE_MEMORY) this.quarantined.delete(this.quarantined.keys().next().value ?? '');
    this.quarantined.set(digest, uri);
    this.logger.error({ reason, uri, sha256: digest }, message);
    return { kind: 'quarantined', reason, uri };
  }

  private async deadLetterRecord(record: string, message: string, reason = 'RECORD_REJECTED', details: Record<string, unknown> = {}): Promise<void> {
    if (!this.remember(`record\u0000${createHash('sha256').update(record).digest('hex')}`)) return;
    await this.deadLetter(reason, message, record, details);
    if (reason === 'RECORD_TOO_LARGE') this.logger.warn({ reason, ...details }, message);
  }

  private async deadLetter(reason: string, message: string, original: string, details: Record<string, unknown>): Promise<void> {
    const bytes = Buffer.byteLength(original);
    await this.deps.announcer.deadLetter(
      deadLetterEvent({
        stage: 'ingest',
        reason,
        message,
        source: this.name,
        dataset: this.deps.instance.definition.dataset,
        original: { ...encodeOriginal(bytes > PREVIEW_BYTES ? original.slice(0, PREVIEW_BYTES) : original), key: redactUrl(this.deps.instance.url) },
        details: { bytes, truncated: bytes > PREVIEW_BYTES, ...details },
      }),
    );
  }
}
