/** Fakes for tests of producers: plain local files standing in for libs/parquet-io's `durableFiles`. */
import { createHash } from 'node:crypto';
import { access, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DurableFiles } from './types';

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

/** `DurableFiles` on the local disk without fsync: enough for tests that "crash" by throwing. */
export const testDurableFiles: DurableFiles = {
  async writeAtomically(path, contents) {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(`${path}.tmp`, contents);
    await rename(`${path}.tmp`, path);
  },
  async makeVisible(tmpPath, finalPath) {
    if (await exists(finalPath)) return true;
    if (!(await exists(tmpPath))) return false;
    await rename(tmpPath, finalPath);
    return true;
  },
  sha256Of: async (path) => createHash('sha256').update(await readFile(path)).digest('hex'),
};
