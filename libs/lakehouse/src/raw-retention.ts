import { describeError, type Logger } from '@fluxo/schema';
import type { ConsumedRawFiles } from './consumed-raw-files';

/** A `raw/<source>/date=YYYY-MM-DD` folder of the raw zone. */
export interface RawDateFolder {
  readonly source: string;
  readonly date: string;
}

export interface RawDeleteFailure {
  readonly uri: string;
  /** The zone's code for it (an errno, an S3 error code, a library error code). */
  readonly code: string;
  readonly message: string;
}

/**
 * Where raw files are, as raw retention needs it: the zone-specific operations behind its one
 * decision logic. `LocalRawZone` is a lake directory; parquet-io's `S3RawZone` an S3 lake.
 * A structural type, so this library does not depend on another infra library.
 */
export interface RawZone {
  /** Where the zone is (for logs). */
  readonly root: string;
  /** The date folders of every source dated before `cutoff` (YYYY-MM-DD): what is expiring, never the whole history. */
  foldersBefore(cutoff: string): Promise<RawDateFolder[]>;
  /** The raw files of a folder, as their references name them (`raw/<source>/date=…/<name>.parquet` locally, the object URL on S3). */
  files(folder: RawDateFolder): Promise<string[]>;
  /** Deletes raw files; what could not be deleted is returned (the next sweep tries again), never thrown per file. */
  delete(uris: readonly string[]): Promise<RawDeleteFailure[]>;
  /** After a folder's sweep: removes it when empty (nothing to do on an object store). */
  folderSwept(folder: RawDateFolder): Promise<void>;
}

export interface RawRetentionPolicy {
  /** Days after its fetch date (the `date=` folder) a raw file becomes deletable; 0 keeps raw files forever. */
  readonly retentionDays: number;
  /** Further days after which a raw file no group consumed (never announced, or dead-lettered) is deleted too. */
  readonly unconsumedGraceDays: number;
  /** Every one of these consumer groups must have curated a raw file before it is deleted. */
  readonly groups: readonly string[];
}

export interface RawSweep {
  readonly deleted: number;
  readonly unconsumedDeleted: number;
  /** Past retention but still waiting for a group that has not curated them. */
  readonly waiting: number;
}

/**
 * References announced but not yet consumed by every configured group (their Kafka lag on the raw
 * topic). An unconsumed raw file can only be told apart from one still waiting in the topic when
 * this is 0; any other answer, or an error, keeps unconsumed files for a later sweep.
 */
export type PendingReferences = () => Promise<number>;

export interface RawSweepOptions {
  /** Decide, count and report, but delete nothing (the CLI's `gc --dry-run`). */
  readonly dryRun?: boolean;
  /** Called with the URI of each file deleted (or that would be, in a dry run). */
  readonly onFile?: (uri: string, why: 'curated' | 'unconsumed') => void;
}

const CHUNK = 500;

/**
 * Raw-zone retention: deletes raw files past the retention window once every configured consumer
 * group has committed them to the tables (recorded in the catalog in the same transaction as the
 * curated rows), and raw files nobody consumed after a further grace period. Only date folders
 * past the window are listed, and emptied ones are removed, so a sweep costs what is expiring,
 * not the history of the lake.
 */
export class RawRetention {
  constructor(
    private readonly deps: { readonly zone: RawZone; readonly consumed: ConsumedRawFiles; readonly pending: PendingReferences; readonly logger: Logger },
    private readonly policy: RawRetentionPolicy,
  ) {}

  async sweep(now: Date = new Date(), options: RawSweepOptions = {}): Promise<RawSweep> {
    const result = { deleted: 0, unconsumedDeleted: 0, waiting: 0 };
    if (this.policy.retentionDays <= 0) return result;
    const cutoff = dayOffset(now, -this.policy.retentionDays);
    const graceCutoff = dayOffset(now, -(this.policy.retentionDays + this.policy.unconsumedGraceDays));
    // Unconsumed files go only when nothing announced waits in the topic: a backlog (a normalizer
    // down for longer than the retention, a drain of old polls) holds files no group has consumed *yet*.
    // Asked once, and only when a sweep finds such a file.
    let unconsumedDeletable: boolean | undefined;
    for (const folder of await this.deps.zone.foldersBefore(cutoff)) {
      const names = await this.deps.zone.files(folder);
      for (let start = 0; start < names.length; start += CHUNK) {
        const uris = names.slice(start, start + CHUNK);
        const consumers = await this.deps.consumed.consumers(uris, this.policy.groups);
        const doomed: string[] = [];
        for (const uri of uris) {
          const groups = consumers.get(uri)?.size ?? 0;
          if (groups === this.policy.groups.length) {
            doomed.push(uri);
            options.onFile?.(uri, 'curated');
            result.deleted += 1;
          } else if (groups === 0 && folder.date < graceCutoff && (unconsumedDeletable ??= (await this.pendingReferences()) === 0)) {
            doomed.push(uri);
            options.onFile?.(uri, 'unconsumed');
            result.unconsumedDeleted += 1;
          } else {
            result.waiting += 1;
          }
        }
        if (options.dryRun === true || doomed.length === 0) continue;
        const failures = await this.deps.zone.delete(doomed);
        for (const failure of failures) this.deps.logger.warn({ ...failure }, 'raw retention could not delete a raw file; the next sweep tries again');
        // A file still there keeps its consumption record: the next sweep decides it the same way.
        const failed = new Set(failures.map((failure) => failure.uri));
        await this.deps.consumed.forget(doomed.filter((uri) => !failed.has(uri)));
      }
      if (options.dryRun !== true) await this.deps.zone.folderSwept(folder);
    }
    if (result.deleted + result.unconsumedDeleted + result.waiting > 0) this.deps.logger.info({ ...result, cutoff, dryRun: options.dryRun === true }, 'raw retention sweep');
    return result;
  }

  private async pendingReferences(): Promise<number> {
    try {
      const pending = await this.deps.pending();
      if (pending > 0) this.deps.logger.info({ pending }, 'raw retention keeps unconsumed raw files: references are still waiting to be consumed');
      return pending;
    } catch (error) {
      this.deps.logger.warn({ error: describeError(error) }, 'raw retention keeps unconsumed raw files: could not tell whether references are still waiting');
      return Number.POSITIVE_INFINITY;
    }
  }
}

function dayOffset(now: Date, days: number): string {
  return new Date(now.getTime() + days * 86_400_000).toISOString().slice(0, 10);
}
