// @ts-check
/**
 * Replaces workloads of bench/results/latest.* with those of a later partial run (latest-partial.*,
 * from `npm run bench -- --only …`), e.g. after fixing one workload, without rerunning everything.
 * The merged result says which workloads came from which run (`merged_from`), and the dated copy of
 * the day is rewritten too when the partial run is of the same day.
 *
 *   node bench/merge-partial.mjs e2e
 *   node bench/merge-partial.mjs --into latest-quick history   (a quick partial run into latest-quick.*)
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RESULTS_DIR } from './lib/paths.mjs';
import { evaluateTargets, renderMarkdown, updateReadmeSummary } from './lib/results.mjs';

const argv = process.argv.slice(2);
const intoAt = argv.indexOf('--into');
const into = intoAt >= 0 ? String(argv[intoAt + 1]) : 'latest';
const workloads = argv.filter((_, i) => intoAt < 0 || (i !== intoAt && i !== intoAt + 1));
if (workloads.length === 0) throw new Error('name the workloads to take from latest-partial.json, e.g. e2e');
if (!['latest', 'latest-quick'].includes(into)) throw new Error('--into takes latest or latest-quick');
const latest = JSON.parse(await readFile(join(RESULTS_DIR, `${into}.json`), 'utf8'));
const partial = JSON.parse(await readFile(join(RESULTS_DIR, 'latest-partial.json'), 'utf8'));
for (const name of workloads) {
  if (!partial[name] || partial[name].skipped) throw new Error(`latest-partial.json has no ${name} result`);
  latest[name] = partial[name];
  latest.merged_from = { ...(latest.merged_from ?? {}), [name]: { date: partial.date, load_before: partial.machine.load_before, load_after: partial.load_after } };
}
latest.memory = {
  ...latest.memory,
  normalizer_workload1_mb: latest.normalize?.fluxo_peak_rss_mb ?? null,
  normalizer_workload3_mb: latest.e2e?.normalizer_peak_rss_mb ?? null,
  stream_ingest_workload3_mb: latest.e2e?.stream_ingest_peak_rss_mb ?? null,
  normalizer_workload3_10k_mb: latest.e2e_10k?.normalizer_peak_rss_mb ?? null,
  stream_ingest_workload3_10k_mb: latest.e2e_10k?.stream_ingest_peak_rss_mb ?? null,
  normalizer_history_mb: latest.history?.day_30?.normalizer_peak_rss_mb ?? null,
};
latest.targets = evaluateTargets(latest);
let markdown = renderMarkdown(latest);
const merged = Object.entries(latest.merged_from ?? {}).map(([name, from]) => `${name} from the follow-up run of ${/** @type {any} */ (from).date}`);
if (merged.length > 0) markdown = markdown.replace('\n\nEach figure:', `\n\nMerged: ${merged.join('; ')} (bench/merge-partial.mjs).\n\nEach figure:`);
// the dated copy of the latest run's day is rewritten only with workloads measured that same day
const day = latest.date.slice(0, 10);
const sameDay = String(partial.date).slice(0, 10) === day;
for (const base of into === 'latest' ? (sameDay ? ['latest', day] : ['latest']) : [into]) {
  await writeFile(join(RESULTS_DIR, `${base}.json`), `${JSON.stringify(latest, null, 2)}\n`);
  await writeFile(join(RESULTS_DIR, `${base}.md`), `${markdown}\n`);
}
if (into === 'latest') await updateReadmeSummary(latest);
console.log(markdown);
