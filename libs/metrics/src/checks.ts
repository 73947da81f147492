import { randomBytes } from 'node:crypto';
import { access, constants, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReadinessCheck } from './readiness';

/**
 * The directory accepts a new file: a small probe file is written and removed again (a full disk,
 * a read-only mount or lost permissions fail it). The name starts with a dot, so lake listings skip it.
 */
export function directoryWritableCheck(name: string, directory: string): ReadinessCheck {
  return {
    name,
    check: async () => {
      const probe = join(directory, `.fluxo-readyz-${process.pid}-${randomBytes(4).toString('hex')}`);
      try {
        await writeFile(probe, 'ok');
      } finally {
        await rm(probe, { force: true });
      }
    },
  };
}

/** The directory can be listed and read (for readers such as the dashboard, which never write). */
export function directoryReadableCheck(name: string, directory: string): ReadinessCheck {
  return { name, check: () => access(directory, constants.R_OK | constants.X_OK) };
}
