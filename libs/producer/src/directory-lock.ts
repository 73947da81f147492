import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describeError, errnoOf } from '@fluxo/schema';
import { ProducerError } from './errors';

/** An exclusive claim on a state folder, released by `release()` or `await using`. */
export interface DirectoryLock extends AsyncDisposable {
  readonly path: string;
  release(): Promise<void>;
}

interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly owner: string;
  readonly since: string;
}

/**
 * Claims `<dir>/.<name>.lock` for this process (created with O_EXCL). A lock left by a dead process on
 * this host is taken over; one held by a live process — or by another host, which cannot be
 * checked — fails with `LOCKED` naming the holder. Producers lock their state folder so that two
 * instances never interleave announcements of the same source.
 */
export async function lockDirectory(dir: string, holder: { readonly name: string; readonly owner: string }): Promise<DirectoryLock> {
  const { name, owner } = holder;
  await mkdir(dir, { recursive: true });
  const path = join(dir, `.${name}.lock`);
  const me: LockOwner = { pid: process.pid, host: hostname(), owner, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const handle = await open(path, 'wx');
      try {
        await handle.writeFile(JSON.stringify(me));
        await handle.sync();
      } finally {
        await handle.close();
      }
      return heldLock(path);
    } catch (error) {
      if (errnoOf(error) !== 'EEXIST') throw new ProducerError('LOCK_FAILED', `could not create ${path}: ${describeError(error)}`, { cause: error, context: { path, errno: errnoOf(error) } });
    }
    const holder = await readHolder(path);
    if (holder !== undefined && (holder.host !== me.host || isAlive(holder.pid))) {
      throw new ProducerError('LOCKED', `${dir} is in use by ${holder.owner} (pid ${holder.pid} on ${holder.host} since ${holder.since}); stop it, or delete ${path} if it is gone`, {
        context: { path, actual: holder },
      });
    }
    await rm(path, { force: true }); // stale: its process is gone
  }
  throw new ProducerError('LOCKED', `could not take over the stale lock ${path}`, { context: { path } });
}

function heldLock(path: string): DirectoryLock {
  let released = false;
  const release = async (): Promise<void> => {
    if (released) return;
    released = true;
    await rm(path, { force: true });
  };
  return { path, release, [Symbol.asyncDispose]: release };
}

async function readHolder(path: string): Promise<LockOwner | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as LockOwner;
  } catch {
    return undefined; // unreadable or half-written: treated as stale
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoOf(error) === 'EPERM';
  }
}
