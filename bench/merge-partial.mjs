// @ts-check
/**
 * Replaces workloads of bench/results/latest.* with those of a later partial run (latest-partial.*,
 * from `npm run bench -- --only …`), e.g. after fixing one workload, without rerunning everything.
 * The merged result says which workloads came from which run (`merged_from`), and the dated copy of
 * the day is rewritten too.
 *
 *   node bench/merge-partial.mjs e2e
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RESULTS_DIR } from './lib/paths.mjs';
import { evaluateTargets, renderMarkdown, updateReadmeSummary } from './lib/results.mjs';

const workloads = process.argv.slice(2);
if (workloads.length === 0) throw new Error('name the workloads to take from latest-partial.json, e.g. e2e');
const latest = JSON.parse(await readFile(join(RESULTS_DIR, 'latest.json'), 'utf8'));
const partial = JSON.parse(await readFile(join(RESULTS_DIR, 'latest-partial.json'), 'utf8'));
for (const name of workloads) {
  if (!partial[name] || partial[name].skipped) throw new Error(`latest-partial.json has no ${name} result`);
  latest[name] = partial[name];
  latest.merged_from = { ...(latest.merged_from ?? {}), [name]: { date: partial.date, load_before: partial.machine.load_before, load_after: partial.load_after } };
}
latest.memory = {
  ...latest.memory,
  normalizer_workload3_mb: latest.e2e?.normalizer_peak_rss_mb ?? null,
  stream_ingest_workload3_mb: latest.e2e?.stream_ingest_peak_rss_mb ?? null,
};
latest.targets = evaluateTargets(latest);
let markdown = renderMarkdown(latest);
const merged = Object.entries(latest.merged_from ?? {}).map(([name, from]) => `${name} from the follow-up run of ${/** @type {any} */ (from).date}`);
if (merged.length > 0) markdown = markdown.replace('\n\nEach figure:', `\n\nMerged: ${merged.join('; ')} (bench/merge-partial.mjs).\n\nEach figure:`);
const day = latest.date.slice(0, 10);
for (const base of ['latest', day]) {
  await writeFile(join(RESULTS_DIR, `${base}.json`), `${JSON.stringify(latest, null, 2)}\n`);
  await writeFile(join(RESULTS_DIR, `${base}.md`), `${markdown}\n`);
}
await updateReadmeSummary(latest);
console.log(markdown);
