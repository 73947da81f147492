import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** The zones kept as plain files. Curated data is read through the catalog's tables, never listed. */
export type Zone = 'raw' | 'quarantine';

/** One file of the lake as the file system shows it (no content read). */
export interface LakeFile {
  readonly zone: Zone;
  /** Source (raw) or stage (quarantine). */
  readonly name: string;
  /** `YYYY-MM-DD` of the partition folder (`date=`), or null when the folder is not one. */
  readonly partition: string | null;
  readonly path: string;
  /** Lake-relative POSIX path, as references carry it. */
  readonly uri: string;
  readonly bytes: number;
  readonly mtimeMs: number;
}

export interface LakeListing {
  readonly scannedAt: number;
  readonly files: readonly LakeFile[];
}

const ZONES: readonly Zone[] = ['raw', 'quarantine'];
const PARTITION = /^date=(\d{4}-\d{2}-\d{2})$/;

/**
 * Lists the raw and quarantine files (`<zone>/<name>/<partition>/<file>`), skipping temp files (leading
 * dot) and anything not `.parquet` (or `.json` in quarantine). A missing lake or zone is an empty
 * listing, not an error. Results are reused for `maxAgeMs`, so many widgets and browsers share one scan.
 */
export class LakeScanner {
  private last: LakeListing | undefined;
  private inFlight: Promise<LakeListing> | undefined;

  constructor(
    readonly root: string,
    private readonly maxAgeMs = 1_000,
  ) {}

  async list(): Promise<LakeListing> {
    if (this.last !== undefined && Date.now() - this.last.scannedAt < this.maxAgeMs) return this.last;
    this.inFlight ??= this.scan().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  /** Forget the cached listing: the next `list()` scans (a new file was announced). */
  invalidate(): void {
    this.last = undefined;
  }

  private async scan(): Promise<LakeListing> {
    const files: LakeFile[] = [];
    for (const zone of ZONES) {
      for (const name of await directories(join(this.root, zone))) {
        for (const folder of await directories(join(this.root, zone, name))) {
          const partition = PARTITION.exec(folder)?.[1] ?? null;
          const dir = join(this.root, zone, name, folder);
          const entries = (await entriesOf(dir)).filter((entry) => entry.isFile() && accepts(zone, entry.name));
          const stats = await Promise.all(entries.map((entry) => stat(join(dir, entry.name)).catch(() => undefined)));
          entries.forEach((entry, index) => {
            const info = stats[index];
            if (info === undefined) return; // removed between readdir and stat
            files.push({ zone, name, partition, path: join(dir, entry.name), uri: `${zone}/${name}/${folder}/${entry.name}`, bytes: info.size, mtimeMs: info.mtimeMs });
          });
        }
      }
    }
    this.last = { scannedAt: Date.now(), files };
    return this.last;
  }
}

function accepts(zone: Zone, fileName: string): boolean {
  if (fileName.startsWith('.')) return false;
  return fileName.endsWith('.parquet') || (zone === 'quarantine' && fileName.endsWith('.json'));
}

async function entriesOf(dir: string) {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw error;
  }
}

async function directories(dir: string): Promise<string[]> {
  return (await entriesOf(dir))
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort();
}
