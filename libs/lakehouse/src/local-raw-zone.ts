import { readdir, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describeError, errnoOf, type Logger } from '@fluxo/schema';
import type { RawDateFolder, RawDeleteFailure, RawZone } from './raw-retention';

/**
 * The lake directory as raw retention needs it (parquet-io's `Lake` fits): its root, and a confined
 * path for a lake URI. A structural type, so this library does not depend on another infra library.
 */
export interface LocalLake {
  readonly root: string;
  resolve(uri: string): Promise<string>;
}

const DATE_FOLDER = /^date=(\d{4}-\d{2}-\d{2})$/;

/** The raw zone of a local lake: `<lake>/raw/<source>/date=YYYY-MM-DD/*.parquet`. */
export class LocalRawZone implements RawZone {
  constructor(
    private readonly lake: LocalLake,
    private readonly logger: Logger,
  ) {}

  get root(): string {
    return this.lake.root;
  }

  async foldersBefore(cutoff: string): Promise<RawDateFolder[]> {
    const rawRoot = join(this.lake.root, 'raw');
    const found: RawDateFolder[] = [];
    for (const source of await folders(rawRoot)) {
      for (const folder of await folders(join(rawRoot, source))) {
        const date = DATE_FOLDER.exec(folder)?.[1];
        if (date !== undefined && date < cutoff) found.push({ source, date });
      }
    }
    return found;
  }

  async files({ source, date }: RawDateFolder): Promise<string[]> {
    const names = await readdir(join(this.lake.root, 'raw', source, `date=${date}`));
    return names.filter((name) => name.endsWith('.parquet') && !name.startsWith('.')).map((name) => `raw/${source}/date=${date}/${name}`);
  }

  async delete(uris: readonly string[]): Promise<RawDeleteFailure[]> {
    const failures: RawDeleteFailure[] = [];
    for (const uri of uris) {
      const failure = await this.remove(uri);
      if (failure !== undefined) failures.push(failure);
    }
    return failures;
  }

  async folderSwept({ source, date }: RawDateFolder): Promise<void> {
    await rmdir(join(this.lake.root, 'raw', source, `date=${date}`)).catch(() => undefined); // only when empty
  }

  /**
   * Deletes one raw file. A name the lake refuses to resolve (a dangling symlink, an extra hard
   * link: planted, never written by a producer) is removed itself — `rm` never follows the link —
   * so one hostile entry cannot stop the sweep; any other failure is returned.
   */
  private async remove(uri: string): Promise<RawDeleteFailure | undefined> {
    try {
      await rm(await this.lake.resolve(uri), { force: true });
      return undefined;
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      if (code === 'LINK_REFUSED') {
        await rm(join(this.lake.root, ...uri.split('/')), { force: true });
        this.logger.warn({ uri, code: 'LINK_REFUSED' }, 'raw retention removed a link the lake refuses (a dangling symlink or an extra hard link)');
        return undefined;
      }
      return { uri, code: typeof code === 'string' ? code : (errnoOf(error) ?? 'UNKNOWN'), message: describeError(error) };
    }
  }
}

async function folders(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
}
