import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@fluxo/schema';
import { Lakehouse } from '../lakehouse';
import { TestDuckDBEngine } from './duckdb-engine';

export interface TestLakehouse extends AsyncDisposable {
  readonly dir: string;
  readonly engine: TestDuckDBEngine;
  readonly lakehouse: Lakehouse;
  /** Another engine and lakehouse on the same catalog (a second process, as the dashboard would be). */
  attachAnother(options?: { readOnly?: boolean }): Promise<{ engine: TestDuckDBEngine; lakehouse: Lakehouse }>;
  cleanup(): Promise<void>;
}

/** A lakehouse on an SQLite catalog in a fresh temp dir; `cleanup()` closes everything and removes it. */
export async function openTestLakehouse(): Promise<TestLakehouse> {
  const dir = await mkdtemp(join(tmpdir(), 'fluxo-lakehouse-'));
  const catalog = { kind: 'sqlite' as const, path: join(dir, 'catalog', 'fluxo.sqlite') };
  const dataPath = join(dir, 'lake', 'curated');
  const engines: TestDuckDBEngine[] = [];
  const open = async (readOnly: boolean) => {
    const engine = await TestDuckDBEngine.open();
    engines.push(engine);
    const lakehouse = await Lakehouse.attach({ engine, catalog, dataPath, logger: silentLogger, readOnly });
    return { engine, lakehouse };
  };
  const first = await open(false);
  const cleanup = async () => {
    for (const engine of engines.reverse()) await engine.close();
    await rm(dir, { recursive: true, force: true });
  };
  return { dir, ...first, attachAnother: (options) => open(options?.readOnly ?? false), cleanup, [Symbol.asyncDispose]: cleanup };
}
