import { readdir, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describeError, type Logger } from '@fluxo/schema';
import type { ConsumedRawFiles } from './consumed-raw-files';

/**
 * The lake as raw retention needs it (parquet-io's `Lake` fits): its root, and a confined path
 * for a lake URI. A structural type, so this library does not depend on another infra library.
 */
export interface RawZone {
  readonly root: string;
  resolve(uri: string): Promise<string>;
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

const DATE_FOLDER = /^date=(\d{4}-\d{2}-\d{2})$/;
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
    private readonly deps: { readonly lake: RawZone; readonly consumed: ConsumedRawFiles; readonly pending: PendingReferences; readonly logger: Logger },
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
    const rawRoot = join(this.deps.lake.root, 'raw');
    for (const source of await folders(rawRoot)) {
      for (const folder of await folders(join(rawRoot, source))) {
        const date = DATE_FOLDER.exec(folder)?.[1];
        if (date === undefined || date >= cutoff) continue;
        const names = (await readdir(join(rawRoot, source, folder))).filter((name) => name.endsWith('.parquet') && !name.startsWith('.'));
        for (let start = 0; start < names.length; start += CHUNK) {
          const uris = names.slice(start, start + CHUNK).map((name) => `raw/${source}/${folder}/${name}`);
          const consumers = await this.deps.consumed.consumers(uris, this.policy.groups);
          const doomed: string[] = [];
          for (const uri of uris) {
            const groups = consumers.get(uri)?.size ?? 0;
            if (groups === this.policy.groups.length) {
              doomed.push(uri);
              options.onFile?.(uri, 'curated');
              result.deleted += 1;
            } else if (groups === 0 && date < graceCutoff && (unconsumedDeletable ??= (await this.pendingReferences()) === 0)) {
              doomed.push(uri);
              options.onFile?.(uri, 'unconsumed');
              result.unconsumedDeleted += 1;
            } else {
              result.waiting += 1;
            }
          }
          if (options.dryRun === true) continue;
          for (const uri of doomed) await this.remove(uri);
          await this.deps.consumed.forget(doomed);
        }
        if (options.dryRun !== true) await rmdir(join(rawRoot, source, folder)).catch(() => undefined); // only when empty
      }
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

  /**
   * Deletes one raw file. A name the lake refuses to resolve (a dangling symlink, an extra hard
   * link: planted, never written by a producer) is removed itself — `rm` never follows the link —
   * so one hostile entry cannot stop the sweep; any other failure is logged and the sweep goes on.
   */
  private async remove(uri: string): Promise<void> {
    try {
      await rm(await this.deps.lake.resolve(uri), { force: true });
    } catch (error) {
      if ((error as { code?: unknown } | null)?.code === 'LINK_REFUSED') {
        await rm(join(this.deps.lake.root, ...uri.split('/')), { force: true });
        this.deps.logger.warn({ uri, code: 'LINK_REFUSED' }, 'raw retention removed a link the lake refuses (a dangling symlink or an extra hard link)');
        return;
      }
      this.deps.logger.warn({ uri, error: describeError(error) }, 'raw retention could not delete a raw file; the next sweep tries again');
    }
  }
}

async function folders(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
}

function dayOffset(now: Date, days: number): string {
  return new Date(now.getTime() + days * 86_400_000).toISOString().slice(0, 10);
}
