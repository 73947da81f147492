// @ts-check
/** Where the benchmark keeps things. Everything generated lives under `.fluxo/bench` (git-ignored). */
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const BENCH_HOME = join(ROOT, '.fluxo', 'bench');
export const BUILD_DIR = join(BENCH_HOME, 'build');
export const DATA_DIR = join(BENCH_HOME, 'data');
export const RUNS_DIR = join(BENCH_HOME, 'runs');
export const RESULTS_DIR = join(ROOT, 'bench', 'results');
export const SPARK_PYTHON_DIR = join(ROOT, '.fluxo', 'bench-python');
export const SPARK_JARS_DIR = join(ROOT, '.fluxo', 'spark-jars');
export const DIST = {
  normalizer: join(ROOT, 'dist', 'apps', 'normalizer', 'main.cjs'),
  ingest: join(ROOT, 'dist', 'apps', 'ingest', 'main.cjs'),
  streamIngest: join(ROOT, 'dist', 'apps', 'stream-ingest', 'main.cjs'),
  replayApi: join(ROOT, 'dist', 'tools', 'replay-api', 'main.cjs'),
};
