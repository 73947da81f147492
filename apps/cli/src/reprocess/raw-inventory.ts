import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** One raw file of the lake. */
export interface RawFile {
  readonly source: string;
  /** Lake URI, as references and the `_raw_uri` lineage column carry it. */
  readonly uri: string;
  readonly path: string;
  readonly bytes: number;
}

const DATE_FOLDER = /^date=\d{4}-\d{2}-\d{2}$/;

/**
 * Every raw file of the given sources (`raw/<source>/date=*\/*.parquet`), oldest fetch date first.
 * Temp files of writers in flight (`.name.tmp`) are not listed. The raw zone is bounded by raw
 * retention (FLUXO_RAW_RETENTION_DAYS), so this follows the retention window.
 */
export async function listRawFiles(lakeRoot: string, sources: readonly string[]): Promise<RawFile[]> {
  const files: RawFile[] = [];
  for (const source of sources) {
    const sourceDir = join(lakeRoot, 'raw', source);
    const folders = (await readdir(sourceDir, { withFileTypes: true }).catch(() => []))
      .filter((entry) => entry.isDirectory() && DATE_FOLDER.test(entry.name))
      .map((entry) => entry.name)
      .sort();
    for (const folder of folders) {
      const names = (await readdir(join(sourceDir, folder))).filter((name) => name.endsWith('.parquet') && !name.startsWith('.')).sort();
      for (const name of names) {
        const path = join(sourceDir, folder, name);
        const info = await stat(path).catch(() => null);
        if (info?.isFile() === true) files.push({ source, uri: `raw/${source}/${folder}/${name}`, path, bytes: info.size });
      }
    }
  }
  return files;
}
