import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger, type Logger } from '@fluxo/schema';
import { ParquetEngine } from '../engine';
import { Lake } from '../lake';

/** A lake in a fresh temp directory, removed on dispose: `await using tmp = await createTempLake()`. */
export interface TempLake extends AsyncDisposable {
  readonly lake: Lake;
  /** The temp directory holding the lake (the lake root is `<dir>/lake`), for files outside it. */
  readonly dir: string;
  cleanup(): Promise<void>;
}

export async function createTempLake(prefix = 'fluxo-parquet-io-'): Promise<TempLake> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const lake = await Lake.open(join(dir, 'lake'));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  return { lake, dir, cleanup, [Symbol.asyncDispose]: cleanup };
}

/** A small engine for tests: one thread, 256 MB, silent unless a logger is given. */
export function openTestEngine(logger: Logger = silentLogger): Promise<ParquetEngine> {
  return ParquetEngine.open({ logger, threads: 1, memoryLimitMb: 256 });
}
