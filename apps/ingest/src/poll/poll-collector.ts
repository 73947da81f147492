import { createHash } from 'node:crypto';
import type { ExtractedRecord } from '@fluxo/schema';
import type { SourceState } from '../state/poll-state';

/** A key a response held more than once with different versions: the first one is kept. */
export interface DuplicateKey {
  readonly key: string;
  readonly kept: string;
  readonly other: string;
  count: number;
}

export type Selection = 'new' | 'unchanged' | 'repeated' | 'duplicate';

/**
 * What one poll saw, across its pages: each key once (the first version wins; a key coming back
 * with another version is a duplicate, reported, never written — so it cannot be re-announced
 * poll after poll), the newest event time, and the identity hash that names the raw file. A page
 * is collected apart and merged only once it was read in full, so a retried page counts once.
 */
export class PollCollector {
  readonly seen = new Map<string, string>();
  readonly duplicates = new Map<string, DuplicateKey>();
  readonly fields = new Set<string>();
  newestEventMs: number | undefined;
  records = 0;
  changes = 0;
  private readonly stem = createHash('sha256');

  constructor(private readonly state: SourceState) {}

  page(): PageCollector {
    return new PageCollector(this, this.state);
  }

  /** The identity hash of the records written (what `rawFileStem` hashes). */
  stemHash(): string {
    return this.stem.digest('hex').slice(0, 12);
  }

  /** @internal merges a page read in full. */
  merge(page: PageCollector): void {
    for (const [key, version] of page.seen) this.seen.set(key, version);
    for (const [key, duplicate] of page.duplicates) {
      const known = this.duplicates.get(key);
      if (known === undefined) this.duplicates.set(key, duplicate);
      else known.count += duplicate.count;
    }
    for (const field of page.fields) this.fields.add(field);
    for (const [key, version] of page.written) this.stem.update(key).update('\u0000').update(version).update('\n');
    if (page.newestEventMs !== undefined && (this.newestEventMs === undefined || page.newestEventMs > this.newestEventMs)) this.newestEventMs = page.newestEventMs;
    this.records += page.records;
    this.changes += page.written.length;
  }
}

export class PageCollector {
  readonly seen = new Map<string, string>();
  readonly duplicates = new Map<string, DuplicateKey>();
  readonly fields = new Set<string>();
  readonly written: [string, string][] = [];
  newestEventMs: number | undefined;
  records = 0;

  constructor(
    private readonly poll: PollCollector,
    private readonly state: SourceState,
  ) {}

  /** Classifies a record: new or changed since last announced, unchanged, repeated as is, or a duplicate key. */
  select(record: ExtractedRecord): Selection {
    this.records += 1;
    if (record.eventTime !== null) {
      const ms = record.eventTime.getTime();
      if (this.newestEventMs === undefined || ms > this.newestEventMs) this.newestEventMs = ms;
    }
    const kept = this.seen.get(record.key) ?? this.poll.seen.get(record.key);
    if (kept !== undefined) {
      if (kept === record.version) return 'repeated';
      const duplicate = this.duplicates.get(record.key);
      if (duplicate === undefined) this.duplicates.set(record.key, { key: record.key, kept, other: record.record, count: 1 });
      else duplicate.count += 1;
      return 'duplicate';
    }
    this.seen.set(record.key, record.version);
    return this.state.seen[record.key]?.[0] === record.version ? 'unchanged' : 'new';
  }

  /** A selected record was written to the raw file. */
  wrote(record: ExtractedRecord): void {
    this.written.push([record.key, record.version]);
  }

  commit(): void {
    this.poll.merge(this);
  }
}
