// @ts-check
/**
 * The metrics' own CPU cost, measured in isolation (issue 14; docs/observability.md "Cost"): the
 * normalizer's recording calls per curated raw file (the measured announcer, the consume delay, the
 * commit report) and one scrape of a registry holding every normalizer family plus the process
 * metrics, timed in CPU time (process.cpuUsage), which a loaded machine barely disturbs — unlike
 * wall-clock throughput. `node bench/metrics-overhead.mjs [--files-per-commit 10]`; prints JSON.
 * Pair it with `npm run bench -- --only normalize --metrics-cost` (end to end, off vs on).
 */
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { BENCH_HOME, ROOT } from './lib/paths.mjs';

const { values: args } = parseArgs({ options: { 'files-per-commit': { type: 'string', default: '10' }, iterations: { type: 'string', default: '20000' }, scrapes: { type: 'string', default: '500' } } });
const filesPerCommit = Number(args['files-per-commit']);
const iterations = Number(args.iterations);
const scrapes = Number(args.scrapes);

const outDir = join(BENCH_HOME, 'build');
await mkdir(outDir, { recursive: true });
const entry = join(outDir, 'metrics-overhead-entry.ts');
const { writeFile } = await import('node:fs/promises');
await writeFile(
  entry,
  [
    `export * from '${join(ROOT, 'libs', 'metrics', 'src', 'index.ts')}';`,
    `export { NormalizerMetrics } from '${join(ROOT, 'apps', 'normalizer', 'src', 'observe', 'normalizer-metrics.ts')}';`,
  ].join('\n'),
);
const bundle = join(outDir, 'metrics-overhead.cjs');
await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: bundle, tsconfig: join(ROOT, 'tsconfig.base.json'), logLevel: 'error', external: ['@duckdb/*', 'kafkajs'] });
const m = createRequire(import.meta.url)(bundle);

const registry = m.createMetricsRegistry({ app: 'normalizer', version: 'bench', processMetrics: true });
const readiness = new m.Readiness({ registry });
readiness.markStarted();
const positions = [0, 1, 2].map((partition) => ({ topic: 'fluxo.raw-files', partition, highWatermark: '100', nextOffset: '90', lagMessages: 10, oldestUnprocessedTimestampMs: Date.now() - 5000 }));
const normalizer = new m.NormalizerMetrics(registry, { group: 'fluxo-normalizer', positions: () => positions });
const announcer = m.measuredAnnouncer({ announce: async () => undefined, deadLetter: async () => undefined }, new m.PipelineMetrics(registry, 'normalizer'), { files: 'fluxo.curated-files', deadLetter: 'fluxo.dead-letter' });
const reference = { dataset: 'earthquakes', rows: 10_000, bytes: 600_000, maxEventTime: new Date().toISOString(), uri: 'curated/x.parquet' };
const input = (offset) => ({ message: { topic: 'fluxo.raw-files', partition: 0, offset: String(offset), key: null, value: null, timestampMs: Date.now() - 100 }, reference: { ...reference, bytes: 400_000 }, rows: 10_000, fetchedAtMs: Date.now() - 2000 });

/** CPU microseconds spent by `work`. */
async function cpuMicros(work) {
  const before = process.cpuUsage();
  await work();
  const used = process.cpuUsage(before);
  return used.user + used.system;
}

// Per curated raw file: its consume observation, its share of a commit report, and (about) one curated file announced.
let offset = 0;
const perCommit = async () => {
  const inputs = Array.from({ length: filesPerCommit }, () => input((offset += 1)));
  normalizer.consumed(inputs.map((i) => i.message));
  for (let f = 0; f < filesPerCommit; f++) await announcer.announce(reference);
  await normalizer.committed({ group: 'g', snapshotId: offset, startedAtMs: Date.now() - 1000, committedAtMs: Date.now(), replayed: false, datasets: [{ table: { name: 'earthquakes' }, inputs, files: [] }] });
};
for (let i = 0; i < 500; i++) await perCommit(); // warm up
const commits = Math.ceil(iterations / filesPerCommit);
const recordUs = await cpuMicros(async () => {
  for (let i = 0; i < commits; i++) await perCommit();
});
let size = 0;
for (let i = 0; i < 50; i++) size = (await registry.metrics()).length; // warm up
const scrapeUs = await cpuMicros(async () => {
  for (let i = 0; i < scrapes; i++) await registry.metrics();
});
console.log(
  JSON.stringify(
    {
      cpu_us_per_curated_file: Math.round((recordUs / (commits * filesPerCommit)) * 100) / 100,
      cpu_us_per_scrape: Math.round(scrapeUs / scrapes),
      scrape_bytes: size,
      files_per_commit: filesPerCommit,
      note: 'overhead = (files/s × cpu_us_per_curated_file + scrapes/s × cpu_us_per_scrape) / CPU µs the normalizer spends per second',
    },
    null,
    2,
  ),
);
