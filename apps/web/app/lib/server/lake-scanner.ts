import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { sqlString, type ParquetEngine } from '@fluxo/parquet-io';

/** The zones kept as plain files. Curated data is read through the catalog's tables, never listed. */
export type Zone = 'raw' | 'quarantine';

/** One file of the lake as the file system shows it (no content read). */
export interface LakeFile {
  readonly zone: Zone;
  /** Source (raw) or stage (quarantine). */
  readonly name: string;
  /** `YYYY-MM-DD` of the partition folder (`date=`), or null when the folder is not one. */
  readonly partition: string | null;
  /** Absolute path, or the object's s3:// URL on a lake on S3. */
  readonly path: string;
  /** Lake-relative POSIX path, as references carry it (on a lake on S3: the s3:// URL). */
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

/** A lake on S3: its root (`s3://bucket[/prefix]`) and the engine that lists its objects (httpfs, with the lake's secret). */
export interface ObjectLake {
  readonly root: string;
  readonly engine: () => Promise<ParquetEngine>;
}

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
    /** On a lake on S3 the raw zone is objects there (listed with the same layout); quarantine stays local. */
    private readonly objects?: ObjectLake,
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
    const files: LakeFile[] = this.objects === undefined ? [] : await rawObjects(this.objects);
    for (const zone of this.objects === undefined ? ZONES : (['quarantine'] as const)) {
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

/** The raw objects (`<root>/raw/<name>/<partition>/<file>.parquet`): one LIST through DuckDB's glob, sizes and times without reading content. */
async function rawObjects(lake: ObjectLake): Promise<LakeFile[]> {
  const engine = await lake.engine();
  const prefix = `${lake.root.replace(/\/+$/, '')}/raw/`;
  const rows = await engine.all<{ url: string; bytes: number | bigint; mtime_ms: number | bigint }>(
    `SELECT filename AS url, size AS bytes, epoch_ms(last_modified) AS mtime_ms FROM read_blob(${sqlString(`${prefix}*/*/*.parquet`)})`,
  );
  return rows.flatMap((row): LakeFile[] => {
    const [name, folder, file] = row.url.slice(prefix.length).split('/');
    if (name === undefined || folder === undefined || file === undefined || !accepts('raw', file)) return [];
    const partition = PARTITION.exec(folder)?.[1] ?? null;
    return [{ zone: 'raw', name, partition, path: row.url, uri: row.url, bytes: Number(row.bytes), mtimeMs: Number(row.mtime_ms) }];
  });
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
