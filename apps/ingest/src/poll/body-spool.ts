import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

/** How much of a body is kept in memory before the copy moves to a temp file. */
const SPOOL_MEMORY_BYTES = 1024 * 1024;

/**
 * A copy of a response body kept while it streams, in case it must be quarantined (malformed,
 * not shaped as the definition says): in memory up to `SPOOL_MEMORY_BYTES`, then in a temp file
 * under `dir`, so a 100 MB body never sits in memory. Also its SHA-256 and a preview.
 */
export class BodySpool {
  private readonly hash = createHash('sha256');
  private chunks: Buffer[] = [];
  private inMemory = 0;
  private file: { readonly path: string; readonly handle: FileHandle } | undefined;
  private head: Buffer[] = [];
  private headBytes = 0;
  private digest: string | undefined;
  bytes = 0;

  constructor(
    private readonly dir: string,
    private readonly previewBytes: number,
  ) {}

  async write(chunk: Buffer): Promise<void> {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    if (this.headBytes < this.previewBytes) {
      const part = chunk.subarray(0, this.previewBytes - this.headBytes);
      this.head.push(part);
      this.headBytes += part.length;
    }
    if (this.file === undefined && this.inMemory + chunk.length <= SPOOL_MEMORY_BYTES) {
      this.chunks.push(chunk);
      this.inMemory += chunk.length;
      return;
    }
    if (this.file === undefined) {
      await mkdir(this.dir, { recursive: true });
      const path = join(this.dir, `${randomBytes(8).toString('hex')}.body`);
      this.file = { path, handle: await open(path, 'w') };
      for (const buffered of this.chunks) await this.file.handle.write(buffered);
      this.chunks = [];
    }
    await this.file.handle.write(chunk);
  }

  sha256(): string {
    this.digest ??= this.hash.digest('hex');
    return this.digest;
  }

  /** The first `previewBytes` of the body. */
  preview(): Buffer {
    return Buffer.concat(this.head, this.headBytes);
  }

  /** The whole body: in memory, or the temp file holding it. */
  async content(): Promise<Buffer | { readonly path: string }> {
    if (this.file === undefined) return Buffer.concat(this.chunks, this.inMemory);
    await this.file.handle.close();
    return { path: this.file.path };
  }

  async discard(): Promise<void> {
    this.chunks = [];
    if (this.file === undefined) return;
    await this.file.handle.close().catch(() => undefined);
    await rm(this.file.path, { force: true });
    this.file = undefined;
  }
}
