// @ts-check
/** Targets (from shared/NOTES.md via the benchmark issue) and the Markdown rendering of a result. */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT } from './paths.mjs';

/**
 * @param {any} r the result object
 * @returns {{ name: string, target: string, actual: string, met: boolean | null, gap: string }[]}
 */
export function evaluateTargets(r) {
  const n = r.normalize ?? {};
  const e = r.e2e ?? {};
  const pct = (/** @type {number} */ v) => `${Math.round(v * 100)} %`;
  /** @type {{ name: string, target: string, actual: string, met: boolean | null, gap: string }[]} */
  const out = [];
  const add = (/** @type {string} */ name, /** @type {string} */ target, /** @type {number | null | undefined} */ value, /** @type {number} */ goal, /** @type {(v: number) => string} */ show, /** @type {'min' | 'max'} */ kind) => {
    if (value === null || value === undefined) return out.push({ name, target, actual: 'n/a', met: null, gap: 'not measured' });
    const met = kind === 'min' ? value >= goal : value < goal;
    const gap = met ? '' : kind === 'min' ? `missed by ${show(goal - value)} (needs ${round2(goal / value)}× more)` : `missed by ${show(value - goal)}`;
    out.push({ name, target, actual: show(value), met, gap });
  };
  const f = n.fluxo_rows_per_s;
  add('normalize vs ceiling', '≥ 50 % of the ceiling', f && n.ceiling_rows_per_s ? f / n.ceiling_rows_per_s : null, 0.5, pct, 'min');
  add('normalize vs naive', '≥ 20× the naive baseline', f && n.naive_rows_per_s ? f / n.naive_rows_per_s : null, 20, (v) => `${round2(v)}×`, 'min');
  add('normalize vs PySpark', 'ahead of the PySpark job', f && n.spark_rows_per_s ? f / n.spark_rows_per_s : null, 1.000001, (v) => `${round2(v)}×`, 'min');
  add('normalizer peak RSS (workload 1)', '< 300 MB', n.fluxo_peak_rss_mb, 300, (v) => `${Math.round(v)} MB`, 'max');
  add('e2e p50 at 1,000 events/s', '< 1 s', e.p50_ms, 1000, (v) => `${Math.round(v)} ms`, 'max');
  add('e2e p99 at 1,000 events/s', '< 2 s', e.p99_ms, 2000, (v) => `${Math.round(v)} ms`, 'max');
  if (e.kept_up === null || e.kept_up === undefined) out.push({ name: 'e2e lag bounded', target: 'kept up', actual: 'n/a', met: null, gap: 'not measured' });
  else out.push({ name: 'e2e lag bounded', target: 'kept up', actual: e.kept_up ? 'yes' : 'no', met: e.kept_up, gap: e.kept_up ? '' : 'lag grew' });
  return out;
}

/** @param {number} v */
const round2 = (v) => Math.round(v * 100) / 100;
/** @param {number | null | undefined} v @param {string} [unit] */
const fmt = (v, unit = '') => (v === null || v === undefined ? 'n/a' : `${Number(v).toLocaleString('en', { maximumFractionDigits: 2 })}${unit}`);
/** @param {any} s @param {string} [unit] */
const range = (s, unit = '') => (s ? `${fmt(s.median, unit)} | ${fmt(s.min, unit)} | ${fmt(s.max, unit)} | ${s.runs.length}` : 'n/a | | | 0');

/** @param {any} r */
export function renderMarkdown(r) {
  const m = r.machine;
  const n = r.normalize;
  const lines = [
    `# fluxo benchmark — ${r.date}${r.mode === 'quick' ? ' (quick)' : ''}`,
    '',
    `Machine: ${m.cores} cores (${m.cpu}), ${m.memory_gb} GB RAM, ${m.os}; Node ${m.node}, Java ${m.java}, DuckDB ${m.duckdb}, Kafka ${m.kafka}, PySpark ${m.pyspark ?? 'n/a'}. ` +
      `Load average before/after: ${m.load_before.join(' ')} / ${(r.load_after ?? []).join(' ')}. Total bench time ${fmt(r.duration_s)} s.`,
    '',
    'Each figure: median of the runs, with min and max. Higher rows/s is better.',
    '',
  ];
  if (n && !n.error && !n.skipped) {
    const d = n.detail;
    lines.push(
      `## 1. normalize — ${fmt(n.rows)} rows in ${n.files} raw files (${fmt(Math.round(n.raw_bytes / 1e6))} MB), references on Kafka`,
      '',
      '| contender | rows/s (median) | min | max | runs | ratio to fluxo | seconds (median) | peak RSS MB |',
      '|---|---|---|---|---|---|---|---|',
      `| **fluxo normalizer** (built app, Kafka → curated Parquet + references) | ${range(d.fluxo.rows_per_s)} | 1 | ${fmt(d.fluxo.seconds?.median)} | ${fmt(d.fluxo.peak_rss_mb?.max)} |`,
      `| ceiling: DuckDB alone, one COPY over all files | ${range(d.ceiling.rows_per_s)} | ${fmt(n.ratio_to_fluxo.ceiling)} | ${fmt(d.ceiling.seconds?.median)} | ${fmt(d.ceiling.peak_rss_mb?.max)} |`,
      `| naive: parquetjs + JS rows, per reference | ${range(d.naive.rows_per_s)} | ${fmt(n.ratio_to_fluxo.naive)} | ${fmt(d.naive.seconds?.median)} | ${fmt(d.naive.peak_rss_mb?.max)} |`,
      `| PySpark ${m.pyspark ?? ''} Structured Streaming, local[2] | ${range(d.spark.rows_per_s)} | ${fmt(n.ratio_to_fluxo.spark)} | ${fmt(d.spark.seconds?.median)} | ${fmt(d.spark.peak_rss_mb?.max)} |`,
      '',
      `Files/s (fluxo): ${fmt(n.fluxo_files_per_s)}. Excluding process start-up (from "running" / session ready): fluxo ${fmt(d.fluxo.processing_rows_per_s?.median)} rows/s, PySpark ${fmt(d.spark.processing_rows_per_s?.median)} rows/s.` +
        (n.spark_note ? ` PySpark: ${n.spark_note}` : ''),
      d.fluxo.profile ? `fluxo profile (last run): start-up ${fmt(d.fluxo.profile.startup_ms)} ms, median ${fmt(d.fluxo.profile.curate_ms_per_file_median)} ms per raw file inside the handler, ${fmt(d.fluxo.profile.curated_files)} curated files.` : '',
      '',
    );
  } else lines.push('## 1. normalize', '', n?.skipped ? 'not run (--only)' : `failed: ${n?.error ?? 'not run'}`, '');
  const g = r.ingest;
  lines.push(`## 2. ingest — one API response of ${fmt(g?.features)} features`, '');
  if (g && !g.error && !g.skipped) {
    lines.push('| figure | median | min | max | runs |', '|---|---|---|---|---|', `| rows/s | ${range(g.detail.rows_per_s)} |`, `| time to reference (s) | ${range(g.detail.time_to_reference_s)} |`, `| ingest peak RSS (MB) | ${range(g.detail.peak_rss_mb)} |`, '');
  } else lines.push(g?.skipped ? 'not run (--only)' : `failed: ${g?.error ?? 'not run'}`, '');
  const e = r.e2e;
  lines.push(`## 3. end-to-end latency — ${fmt(e?.rate_per_s)} events/s for ${fmt(e?.seconds)} s through stream-ingest (batch max age ${fmt(e?.batch_max_age_ms)} ms) and the normalizer`, '');
  if (e && e.note) lines.push(e.note, '');
  else if (e && !e.error && !e.skipped) {
    lines.push('| figure | median | min | max | runs |', '|---|---|---|---|---|');
    for (const key of ['p50_ms', 'p95_ms', 'p99_ms', 'max_ms', 'events_per_s']) lines.push(`| ${key} | ${range(e.detail[key])} |`);
    lines.push('', `Kept up (lag bounded): ${e.kept_up ? 'yes' : 'no'}.`, '');
  } else lines.push(e?.skipped ? 'not run (--only)' : `failed: ${e?.error ?? 'not run'}`, '');
  const s = r.startup;
  lines.push('## 4. startup — `npm start` to the first curated file', '');
  if (s && !s.error && !s.skipped) lines.push(s.first_curated_s === null ? s.note : `${range(s.detail.seconds, ' s')} (median | min | max | runs). ${s.note ?? ''}`, '');
  else lines.push(s?.skipped ? 'not run (--only)' : `failed: ${s?.error ?? 'not run'}`, '');
  const mem = r.memory ?? {};
  lines.push('## 5. memory — peak RSS (MB, max over runs)', '', '| app | workload 1 (normalize) | workload 3 (e2e) |', '|---|---|---|');
  lines.push(`| normalizer | ${fmt(mem.normalizer_workload1_mb)} | ${fmt(mem.normalizer_workload3_mb)} |`, `| stream-ingest | — | ${fmt(mem.stream_ingest_workload3_mb)} |`, `| ingest (workload 2) | ${fmt(mem.ingest_workload2_mb)} | — |`, '');
  lines.push('## Targets', '', '| target | goal | measured | met | gap |', '|---|---|---|---|---|');
  for (const t of r.targets) lines.push(`| ${t.name} | ${t.target} | ${t.actual} | ${t.met === null ? 'n/a' : t.met ? 'yes' : '**no**'} | ${t.gap} |`);
  lines.push('');
  return lines.filter((l, i, all) => !(l === '' && all[i - 1] === '')).join('\n');
}

/** Rewrites the summary block of bench/README.md from a complete full run. @param {any} r */
export async function updateReadmeSummary(r) {
  const readme = join(ROOT, 'bench', 'README.md');
  const text = await readFile(readme, 'utf8');
  const n = r.normalize ?? {};
  const f = (/** @type {any} */ v, unit = '') => (v === null || v === undefined ? 'n/a' : `${Number(v).toLocaleString('en', { maximumFractionDigits: 2 })}${unit}`);
  const rows = [
    `Run of ${r.date.slice(0, 10)}, ${r.machine.cores} cores, load average ${r.machine.load_before[0]} → ${r.load_after[0]}; medians, ranges in results/latest.md.`,
    '',
    '| figure | value |',
    '|---|---|',
    `| normalize, fluxo | ${f(n.fluxo_rows_per_s)} rows/s, ${f(n.fluxo_files_per_s)} files/s, peak RSS ${f(n.fluxo_peak_rss_mb)} MB |`,
    `| normalize, ceiling (DuckDB alone) | ${f(n.ceiling_rows_per_s)} rows/s (${f(n.ratio_to_fluxo?.ceiling)}× fluxo) |`,
    `| normalize, naive (parquetjs) | ${f(n.naive_rows_per_s)} rows/s (${f(n.ratio_to_fluxo?.naive)}× fluxo) |`,
    `| normalize, PySpark Structured Streaming | ${n.spark_rows_per_s === null ? `n/a — ${n.spark_note}` : `${f(n.spark_rows_per_s)} rows/s (${f(n.ratio_to_fluxo?.spark)}× fluxo)`} |`,
    `| ingest, one 100k-feature response | ${f(r.ingest?.rows_per_s)} rows/s, ${f(r.ingest?.time_to_reference_s)} s to reference |`,
    `| e2e at 1,000 events/s | ${r.e2e?.p50_ms === null || r.e2e?.p50_ms === undefined ? `n/a — ${r.e2e?.note ?? r.e2e?.error ?? ''}` : `p50 ${f(r.e2e.p50_ms)} ms, p95 ${f(r.e2e.p95_ms)} ms, p99 ${f(r.e2e.p99_ms)} ms, kept up: ${r.e2e.kept_up ? 'yes' : 'no'}`} |`,
    `| startup to first curated file | ${r.startup?.first_curated_s === null || r.startup?.first_curated_s === undefined ? `n/a — ${r.startup?.note ?? r.startup?.error ?? ''}` : `${f(r.startup.first_curated_s)} s`} |`,
    '',
    'Targets: ' + r.targets.map((/** @type {any} */ t) => `${t.name} ${t.met === null ? 'n/a' : t.met ? 'met' : `**missed** (${t.actual}; ${t.gap})`}`).join('; ') + '.',
  ];
  const updated = text.replace(/<!-- summary:start -->[\s\S]*<!-- summary:end -->/, `<!-- summary:start -->\n${rows.join('\n')}\n<!-- summary:end -->`);
  await writeFile(readme, updated);
}

