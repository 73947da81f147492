import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * Writes JSON so that a crash leaves the old file or the new one, never half of one: a uniquely
 * named temp file in the same directory, fsync, rename, fsync of the directory.
 */
export async function writeJsonAtomically(path: string, value: unknown): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  await writeFile(tmp, JSON.stringify(value));
  await fsync(tmp);
  await rename(tmp, path);
  await fsync(dir);
}

async function fsync(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
