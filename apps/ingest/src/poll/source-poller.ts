import { createHash, randomUUID } from 'node:crypto';
import {
  createRecordExtractor,
  describeError,
  encodeOriginal,
  redactUrl,
  ResponseShapeError,
  type ExtractedRecord,
  type FileReferenceFields,
  type Logger,
  type ProducerIdentity,
  type SourceInstance,
} from '@fluxo/schema';
import { rawFileReference, rawFileStem, stemTime } from '@fluxo/parquet-io';
import { IngestError } from '../errors';
import type { HttpFetcher } from '../http/http-fetcher';
import { retryDelayMs, type RetryPolicy } from '../http/retry-delay';
import type { Announcer, Quarantine, RawFileSink } from '../ports';
import type { PendingAnnouncements } from '../state/pending-announcements';
import { applyUpdate, selectChanges, type PollUpdate, type SourceState } from '../state/poll-state';
import type { StateStore } from '../state/state-store';

export interface SourcePollerDeps {
  readonly instance: SourceInstance;
  readonly fetcher: Pick<HttpFetcher, 'fetch'>;
  readonly retry: RetryPolicy;
  readonly store: StateStore;
  readonly pending: PendingAnnouncements;
  readonly rawFiles: RawFileSink;
  readonly announcer: Announcer;
  readonly quarantine: Quarantine;
  readonly producer: ProducerIdentity;
  readonly seenTtlMs: number;
  /** Largest record (JSON text, with its context) written; larger ones are dead-lettered as RECORD_TOO_LARGE. */
  readonly maxRecordBytes: number;
  readonly logger: Logger;
}

/** How much of a rejected record or body a dead letter carries. */
const PREVIEW_BYTES = 64 * 1024;
/** Quarantined bodies remembered per source, so a source serving the same broken bytes is kept once. */
const QUARANTINE_MEMORY = 32;

export type PollOutcome =
  | { readonly kind: 'not-modified' }
  | { readonly kind: 'unchanged'; readonly records: number }
  | { readonly kind: 'announced'; readonly reference: FileReferenceFields; readonly records: number }
  | { readonly kind: 'quarantined'; readonly reason: string; readonly uri: string };

/**
 * One polling source. A poll fetches, keeps only new or changed record versions, writes them as
 * one raw Parquet file, announces its reference, and only then advances the source's state:
 *
 *   stage file (temp name) → record pending announcement → commit (rename) → publish (acks=all)
 *   → advance state → drop pending
 *
 * A crash anywhere leaves either nothing visible (the poll is redone) or a pending announcement
 * that `recover()` finishes with the same event id and file: nothing is lost, and no data is
 * announced twice as two different files.
 */
export class SourcePoller {
  private readonly extract: ReturnType<typeof createRecordExtractor>;
  private readonly logger: Logger;
  private state: SourceState | undefined;
  /** SHA-256 → lake URI of bodies already quarantined (oldest first), bounded by QUARANTINE_MEMORY. */
  private readonly quarantined = new Map<string, string>();
  /** Rejected records already dead-lettered, so a feed repeating them does not flood the topic. */
  private readonly rejectedSeen = new Set<string>();

  constructor(private readonly deps: SourcePollerDeps) {
    this.extract = createRecordExtractor(deps.instance.definition);
    this.logger = deps.logger.child({ source: this.name });
  }

  get name(): string {
    return this.deps.instance.definition.name;
  }

  /** Loads the state and finishes announcements a previous run left pending. */
  async recover(): Promise<number> {
    this.state = await this.deps.store.load(this.name, this.deps.instance.url);
    return this.finishPending();
  }

  /**
   * Announces files whose announcement failed or was interrupted. A poll runs only once none is
   * left, so the same records are never written into a second file.
   */
  private async finishPending(): Promise<number> {
    const pending = await this.deps.pending.list(this.name);
    for (const item of pending) {
      const visible = await this.deps.rawFiles.makeVisible(item.tmpPath, item.finalPath);
      if (!visible) {
        this.logger.warn({ eventId: item.reference.eventId }, 'pending announcement lost its file before commit; the poll will be redone');
        await this.deps.pending.remove(this.name, item.reference.eventId);
        continue;
      }
      const sha256 = await this.deps.rawFiles.sha256Of(item.finalPath);
      if (sha256 !== item.reference.sha256) {
        throw new IngestError('STATE_CORRUPT', `Raw file ${item.finalPath} no longer matches its pending reference`, {
          context: { path: item.finalPath, expected: item.reference.sha256, actual: sha256 },
        });
      }
      await this.finish(item.reference, item.update);
      this.logger.info({ eventId: item.reference.eventId, uri: item.reference.uri }, 'announced a file left pending by a previous run');
    }
    return pending.length;
  }

  async poll(): Promise<PollOutcome> {
    if (this.state === undefined) await this.recover();
    else await this.finishPending();
    const state = this.currentState();
    const { url, headers } = this.deps.instance;
    const fetched = await this.fetchParsed(url, headers, state);
    if (fetched.kind !== 'ok') return fetched;
    const { response, fetchedAt, validators, body } = fetched;

    let extraction: ReturnType<typeof this.extract>;
    try {
      extraction = this.extract(response);
    } catch (error) {
      if (!(error instanceof ResponseShapeError)) throw error;
      return this.quarantine(body, fetchedAt, 'RESPONSE_SHAPE', error.message);
    }
    for (const rejected of extraction.rejected) await this.deadLetterRecord(rejected.record, rejected.reason);

    const update: PollUpdate = {
      url,
      validators,
      observed: extraction.records.map((r) => [r.key, r.version] as const),
      observedAtMs: fetchedAt.getTime(),
    };
    const changes: ExtractedRecord[] = [];
    for (const record of selectChanges(state, extraction.records)) {
      const bytes = Buffer.byteLength(record.record) + (record.context === null ? 0 : Buffer.byteLength(record.context));
      if (bytes <= this.deps.maxRecordBytes) changes.push(record);
      else await this.deadLetterRecord(record.record, `record ${record.key} (version ${record.version}) is ${bytes} bytes, over the limit of ${this.deps.maxRecordBytes}`, 'RECORD_TOO_LARGE', { bytes, key: record.key, version: record.version });
    }
    if (changes.length === 0) {
      await this.advance(update);
      this.logger.debug({ records: extraction.records.length }, 'poll brought nothing new');
      return { kind: 'unchanged', records: extraction.records.length };
    }
    const reference = await this.writeAndAnnounce(changes, fetchedAt, update);
    return { kind: 'announced', reference, records: extraction.records.length };
  }

  private currentState(): SourceState {
    if (this.state === undefined) throw new Error(`state of ${this.name} is not loaded: call recover() first`);
    return this.state;
  }

  private async writeAndAnnounce(changes: readonly ExtractedRecord[], fetchedAt: Date, update: PollUpdate): Promise<FileReferenceFields> {
    const staged = await this.deps.rawFiles.stage({ source: this.name, stem: rawFileStem(fetchedAt, changes), fetchedAt, records: changes });
    const reference = rawFileReference(staged, { source: this.name, dataset: this.deps.instance.definition.dataset, producer: this.deps.producer });
    try {
      await this.deps.pending.add(this.name, { reference, tmpPath: staged.tmpPath, finalPath: staged.finalPath, update });
    } catch (error) {
      await staged.discard();
      throw error;
    }
    await staged.commit();
    await this.finish(reference, update);
    this.logger.info({ uri: reference.uri, rows: reference.rows, bytes: reference.bytes, eventId: reference.eventId }, 'announced raw file');
    return reference;
  }

  private async finish(reference: FileReferenceFields, update: PollUpdate): Promise<void> {
    await this.deps.announcer.announce(reference);
    await this.advance(update);
    await this.deps.pending.remove(this.name, reference.eventId);
  }

  private async advance(update: PollUpdate): Promise<void> {
    this.state = applyUpdate(this.currentState(), update, this.deps.seenTtlMs);
    await this.deps.store.save(this.state);
  }

  /** Fetches and parses, re-fetching a body that is not JSON (with backoff) before giving up on it. */
  private async fetchParsed(
    url: string,
    headers: Readonly<Record<string, string>>,
    state: SourceState,
  ): Promise<
    | { readonly kind: 'ok'; readonly response: unknown; readonly body: Buffer; readonly fetchedAt: Date; readonly validators: PollUpdate['validators'] }
    | Extract<PollOutcome, { kind: 'not-modified' | 'quarantined' }>
  > {
    for (let attempt = 1; ; attempt += 1) {
      const result = await this.deps.fetcher.fetch(url, headers, state.validators);
      if (result.status === 'not-modified') return { kind: 'not-modified' };
      try {
        return { kind: 'ok', response: JSON.parse(result.body.toString('utf8')), body: result.body, fetchedAt: result.fetchedAt, validators: result.validators };
      } catch (error) {
        if (attempt > this.deps.retry.limit) {
          return this.quarantine(result.body, result.fetchedAt, 'MALFORMED_BODY', `Response is not JSON: ${describeError(error)}`);
        }
        const delayMs = retryDelayMs(this.deps.retry, attempt);
        this.logger.warn({ url: redactUrl(url), attempt, delayMs, code: 'MALFORMED_BODY' }, 'response is not JSON; fetching again');
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  }

  /**
   * Keeps a body that could not be processed and dead-letters it. The same bytes (by SHA-256) are
   * kept and dead-lettered once: a source that stays broken does not fill the lake or the topic.
   */
  private async quarantine(body: Buffer, at: Date, reason: string, message: string): Promise<Extract<PollOutcome, { kind: 'quarantined' }>> {
    const digest = createHash('sha256').update(body).digest('hex');
    const known = this.quarantined.get(digest);
    if (known !== undefined) {
      this.logger.warn({ reason, uri: known, sha256: digest }, `${message} (same bytes as already quarantined; not kept again)`);
      return { kind: 'quarantined', reason, uri: known };
    }
    const stem = `${stemTime(at)}-${digest.slice(0, 12)}`;
    const uri = await this.deps.quarantine.keep({ source: this.name, at, stem, body });
    await this.deps.announcer.deadLetter({
      schemaVersion: 1,
      eventId: randomUUID(),
      stage: 'ingest',
      reason,
      message,
      source: this.name,
      dataset: this.deps.instance.definition.dataset,
      original: { ...encodeOriginal(body.subarray(0, PREVIEW_BYTES)), key: redactUrl(this.deps.instance.url) },
      quarantineUri: uri,
      details: { bytes: body.length, sha256: digest, truncated: body.length > PREVIEW_BYTES },
      occurredAt: new Date().toISOString(),
    });
    if (this.quarantined.size >= QUARANTINE_MEMORY) this.quarantined.delete(this.quarantined.keys().next().value ?? '');
    this.quarantined.set(digest, uri);
    this.logger.error({ reason, uri, sha256: digest }, message);
    return { kind: 'quarantined', reason, uri };
  }

  private async deadLetterRecord(record: string, message: string, reason = 'RECORD_REJECTED', details: Record<string, unknown> = {}): Promise<void> {
    const digest = createHash('sha256').update(record).digest('hex');
    if (this.rejectedSeen.has(digest)) return;
    const bytes = Buffer.byteLength(record);
    await this.deps.announcer.deadLetter({
      schemaVersion: 1,
      eventId: randomUUID(),
      stage: 'ingest',
      reason,
      message,
      source: this.name,
      dataset: this.deps.instance.definition.dataset,
      original: encodeOriginal(bytes > PREVIEW_BYTES ? record.slice(0, PREVIEW_BYTES) : record),
      details: { bytes, truncated: bytes > PREVIEW_BYTES, ...details },
      occurredAt: new Date().toISOString(),
    });
    if (reason === 'RECORD_TOO_LARGE') this.logger.warn({ reason, bytes, ...details }, message);
    if (this.rejectedSeen.size >= 100_000) this.rejectedSeen.clear();
    this.rejectedSeen.add(digest);
  }
}
