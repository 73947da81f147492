import { describeError } from '@fluxo/schema';
import { sqlFilePath, type ParquetEngine } from '@fluxo/parquet-io';
import type { LakeFile } from './lake-scanner';

/** The dashboard's DuckDB engine, opened on first use. */
export type EngineProvider = () => Promise<ParquetEngine>;

/** What a Parquet footer says, or why it could not be read. */
export type FooterInfo = { readonly ok: true; readonly rows: number } | { readonly ok: false; readonly reason: string };

/**
 * Reads each raw Parquet file's footer once (keyed by path, size and mtime: lake files are immutable, a
 * rewrite changes the key) to learn its row count; an unreadable file counts no rows instead of failing
 * the whole batch. (Curated tables need none of this: the catalog records every data file's rows.)
 */
export class FooterCache {
  private readonly known = new Map<string, FooterInfo>();

  constructor(private readonly engine: EngineProvider) {}

  async inspect(files: readonly LakeFile[]): Promise<Map<string, FooterInfo>> {
    const parquet = files.filter((file) => file.path.endsWith('.parquet'));
    const unknown = parquet.filter((file) => !this.known.has(keyOf(file)));
    if (unknown.length > 0) await this.read(unknown);
    this.prune(parquet);
    return new Map(parquet.map((file) => [file.path, this.known.get(keyOf(file)) ?? { ok: false, reason: 'not inspected' }]));
  }

  private async read(files: readonly LakeFile[]): Promise<void> {
    const engine = await this.engine();
    for (let start = 0; start < files.length; start += 200) {
      const batch = files.slice(start, start + 200);
      try {
        const rows = await engine.all<{ file_name: string; num_rows: number | string }>(
          `SELECT file_name, num_rows FROM parquet_file_metadata([${batch.map((file) => sqlFilePath(file.path)).join(', ')}])`,
        );
        const byPath = new Map(rows.map((row) => [row.file_name, Number(row.num_rows)]));
        for (const file of batch) this.known.set(keyOf(file), { ok: true, rows: byPath.get(file.path) ?? 0 });
      } catch {
        // One bad file fails the batch: read them one by one to find it.
        for (const file of batch) this.known.set(keyOf(file), await readOne(engine, file));
      }
    }
  }

  private prune(present: readonly LakeFile[]): void {
    if (this.known.size < present.length * 2 + 1000) return;
    const keep = new Set(present.map(keyOf));
    for (const key of this.known.keys()) if (!keep.has(key)) this.known.delete(key);
  }
}

async function readOne(engine: ParquetEngine, file: LakeFile): Promise<FooterInfo> {
  try {
    const [row] = await engine.all<{ num_rows: number | string }>(`SELECT num_rows FROM parquet_file_metadata(${sqlFilePath(file.path)})`);
    return { ok: true, rows: Number(row?.num_rows ?? 0) };
  } catch (error) {
    return { ok: false, reason: cleanReason(describeError(error)) };
  }
}

/** DuckDB's message without the SQL echo and the absolute path noise. */
export function cleanReason(message: string): string {
  // Absolute paths leak the server's layout and drown the reason: keep the file name only.
  const text = message
    .replace(/^DuckDB statement failed:\s*/, '')
    .replace(/^[A-Za-z ]+Error:\s*/, '')
    .replace(/'\/[^']*\/([^'/]+)'/g, "'$1'");
  return text.length > 200 ? `${text.slice(0, 197)}…` : text;
}

function keyOf(file: LakeFile): string {
  return `${file.path}|${file.bytes}|${file.mtimeMs}`;
}
