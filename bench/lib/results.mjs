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
  const ms = (/** @type {number} */ v) => `${Math.round(v)} ms`;
  const mb = (/** @type {number} */ v) => `${Math.round(v)} MB`;
  const sec = (/** @type {number} */ v) => `${round2(v)} s`;
  add('normalize vs ceiling', '≥ 70 % of the ceiling', f && n.ceiling_rows_per_s ? f / n.ceiling_rows_per_s : null, 0.7, pct, 'min');
  add('normalize vs naive', '≥ 20× the naive baseline', f && n.naive_rows_per_s ? f / n.naive_rows_per_s : null, 20, (v) => `${round2(v)}×`, 'min');
  add('normalize vs PySpark', '≥ 3× the PySpark job', f && n.spark_rows_per_s ? f / n.spark_rows_per_s : null, 3, (v) => `${round2(v)}×`, 'min');
  add('normalizer peak RSS (workload 1)', '< 300 MB', n.fluxo_peak_rss_mb, 300, mb, 'max');
  add('e2e p50 at 1,000 events/s', '< 1 s', e.p50_ms, 1000, ms, 'max');
  add('e2e p99 at 1,000 events/s', '< 2 s', e.p99_ms, 2000, ms, 'max');
  const keptUp = (/** @type {string} */ name, /** @type {any} */ run) => {
    if (run?.kept_up === null || run?.kept_up === undefined) out.push({ name, target: 'kept up', actual: 'n/a', met: null, gap: 'not measured' });
    else out.push({ name, target: 'kept up', actual: run.kept_up ? 'yes' : 'no', met: run.kept_up, gap: run.kept_up ? '' : 'lag grew' });
  };
  keptUp('e2e lag bounded', e);
  const e10 = r.e2e_10k ?? {};
  add('e2e p99 at 10,000 events/s', '< 1 s', e10.p99_ms, 1000, ms, 'max');
  keptUp('e2e lag bounded at 10,000 events/s', e10);
  const h = r.history ?? {};
  const [d1, d10, d30] = [h.day_1, h.day_10, h.day_30];
  add('history: cold start at day 30', '< 5 s', d30?.cold_start_s, 5, sec, 'max');
  add('history: cold start day 30 vs day 1', '≤ 2× day 1', d30 && d1 ? d30.cold_start_s / d1.cold_start_s : null, 2.000001, (v) => `${round2(v)}×`, 'max');
  const rss = [d1, d10, d30].filter(Boolean).map((d) => d.normalizer_peak_rss_mb);
  add('history: normalizer peak RSS, every point', '< 300 MB', rss.length === 3 ? Math.max(...rss) : null, 300, mb, 'max');
  add('history: dashboard query p95 at day 30', '< 500 ms', d30?.dashboard_query_p95_ms, 500, ms, 'max');
  const maxFiles = (/** @type {any} */ d) => (d ? Math.max(...Object.values(d.max_files_per_partition ?? { none: 0 }).map(Number)) : null);
  const [f1, f10, f30] = [maxFiles(d1), maxFiles(d10), maxFiles(d30)];
  if (f1 === null || f10 === null || f30 === null) out.push({ name: 'history: files per partition bounded', target: `≤ ${FILES_PER_PARTITION_BOUND}, not growing`, actual: 'n/a', met: null, gap: 'not measured' });
  else {
    const met = f30 <= FILES_PER_PARTITION_BOUND && f30 <= Math.max(f1, f10);
    out.push({ name: 'history: files per partition bounded', target: `≤ ${FILES_PER_PARTITION_BOUND}, not growing`, actual: `max ${f1} / ${f10} / ${f30} (day 1 / 10 / 30)`, met, gap: met ? '' : f30 > FILES_PER_PARTITION_BOUND ? `missed by ${f30 - FILES_PER_PARTITION_BOUND}` : 'grew with history' });
  }
  return out;
}

/**
 * The "small constant" of the history target: a day partition holds ceil(bytes / compaction target)
 * compacted files (full-rate recentchange: ~9) plus what the last 5 minutes committed before the next
 * round; 16 leaves room for both and nothing else.
 */
export const FILES_PER_PARTITION_BOUND = 16;

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
      ...(d['fluxo-spark']
        ? [
            `| fluxo normalizer, Spark engine (FLUXO_ENGINE=spark, Spark Connect local[2], one job per raw file) | ${range(d['fluxo-spark'].rows_per_s)} | ${fmt(n.ratio_to_fluxo.fluxo_spark)} | ${fmt(d['fluxo-spark'].seconds?.median)} | ${fmt(d['fluxo-spark'].peak_rss_mb?.max)} + server ${fmt(d['fluxo-spark'].spark_server_peak_rss_mb)} |`,
          ]
        : []),
      '',
      `Files/s (fluxo): ${fmt(n.fluxo_files_per_s)}. Excluding process start-up (from "running" / session ready): fluxo ${fmt(d.fluxo.processing_rows_per_s?.median)} rows/s, PySpark ${fmt(d.spark.processing_rows_per_s?.median)} rows/s.` +
        (n.spark_note ? ` PySpark: ${n.spark_note}` : ''),
      d.fluxo.profile
        ? `fluxo profile (last run): start-up ${fmt(d.fluxo.profile.startup_ms)} ms, ${fmt(d.fluxo.profile.commits)} commits (median ${fmt(d.fluxo.profile.raw_files_per_commit_median)} raw files, ${fmt(d.fluxo.profile.commit_ms_median)} ms each in the handler), ${fmt(d.fluxo.profile.curated_files)} curated files announced.`
        : '',
      d['fluxo-spark']?.profile
        ? `Per batch (last run; raw files of ${fmt(Math.round(n.rows / n.files))} rows, commits bounded by FLUXO_COMMIT_MAX_*): DuckDB engine ${fmt(d.fluxo.profile?.commit_ms_median)} ms median (${fmt(d.fluxo.profile?.stage_ms_per_file_median)} ms per raw file mapped), Spark engine ${fmt(d['fluxo-spark'].profile.commit_ms_median)} ms median, max ${fmt(d['fluxo-spark'].profile.commit_ms_max)} (${fmt(d['fluxo-spark'].profile.stage_ms_per_file_median)} ms per raw file = one Spark job); Spark Connect server ready after ${fmt(d['fluxo-spark'].spark_server_ready_ms)} ms (not timed).`
        : d['fluxo-spark']?.note
          ? `Spark engine: ${d['fluxo-spark'].note}`
          : '',
      '',
    );
  } else lines.push('## 1. normalize', '', n?.skipped ? 'not run (--only)' : `failed: ${n?.error ?? 'not run'}`, '');
  const g = r.ingest;
  lines.push(`## 2. ingest — one API response of ${fmt(g?.features)} features`, '');
  if (g && !g.error && !g.skipped) {
    lines.push('| figure | median | min | max | runs |', '|---|---|---|---|---|', `| rows/s | ${range(g.detail.rows_per_s)} |`, `| time to reference (s) | ${range(g.detail.time_to_reference_s)} |`, `| ingest peak RSS (MB) | ${range(g.detail.peak_rss_mb)} |`, '');
  } else lines.push(g?.skipped ? 'not run (--only)' : `failed: ${g?.error ?? 'not run'}`, '');
  for (const [e, rate] of /** @type {const} */ ([
    [r.e2e, '1,000'],
    [r.e2e_10k, '10,000'],
  ])) {
    lines.push(`## 3. end-to-end latency — ${rate} events/s for ${fmt(e?.seconds)} s through stream-ingest (batch max age ${fmt(e?.batch_max_age_ms)} ms) and the normalizer`, '');
    if (e && e.note) lines.push(e.note, '');
    else if (e && !e.error && !e.skipped) {
      lines.push('Per event: curated reference of its commit (Kafka timestamp) − when stream-ingest received it (`context.received_at`).', '');
      lines.push('| figure | median | min | max | runs |', '|---|---|---|---|---|');
      for (const key of ['p50_ms', 'p95_ms', 'p99_ms', 'max_ms', 'events_per_s']) lines.push(`| ${key} | ${range(e.detail[key])} |`);
      const last = e.detail.runs.at(-1) ?? {};
      lines.push('', `Kept up (lag bounded): ${e.kept_up ? 'yes' : 'no'}. Last run: batch cut → reference p50 ${fmt(last.cut_to_reference_p50_ms)} ms / p99 ${fmt(last.cut_to_reference_p99_ms)} ms, batch interval ${fmt(last.batch_interval_median_ms)} ms, max lag ${fmt(last.max_lag)} references.`, '');
    } else lines.push(e?.skipped ? 'not run (--only)' : `failed: ${e?.error ?? 'not run'}`, '');
  }
  const s = r.startup;
  lines.push('## 4. startup — `npm start` to the first curated file', '');
  if (s && !s.error && !s.skipped) lines.push(s.first_curated_s === null ? s.note : `${range(s.detail.seconds, ' s')} (median | min | max | runs). ${s.note ?? ''}`, '');
  else lines.push(s?.skipped ? 'not run (--only)' : `failed: ${s?.error ?? 'not run'}`, '');
  lines.push(...renderScale(r.scale));
  const mem = r.memory ?? {};
  lines.push('## 5. memory — peak RSS (MB, max over runs)', '', '| app | workload 1 (normalize) | workload 3 (e2e 1,000/s) | workload 3 (e2e 10,000/s) | workload 6 (history, day 30) |', '|---|---|---|---|---|');
  lines.push(
    `| normalizer | ${fmt(mem.normalizer_workload1_mb)} | ${fmt(mem.normalizer_workload3_mb)} | ${fmt(mem.normalizer_workload3_10k_mb)} | ${fmt(mem.normalizer_history_mb)} |`,
    `| stream-ingest | — | ${fmt(mem.stream_ingest_workload3_mb)} | ${fmt(mem.stream_ingest_workload3_10k_mb)} | — |`,
    `| ingest (workload 2) | ${fmt(mem.ingest_workload2_mb)} | — | — | — |`,
    '',
  );
  lines.push(...renderHistory(r.history));
  lines.push('## Targets', '', '| target | goal | measured | met | gap |', '|---|---|---|---|---|');
  for (const t of r.targets) lines.push(`| ${t.name} | ${t.target} | ${t.actual} | ${t.met === null ? 'n/a' : t.met ? 'yes' : '**no**'} | ${t.gap} |`);
  lines.push('');
  return lines.filter((l, i, all) => !(l === '' && all[i - 1] === '')).join('\n');
}

/** @param {any} h the history result */
function renderHistory(h) {
  const lines = ['## 6. history — 30 simulated days of the default cadence, measured at day 1, 10 and 30', ''];
  if (!h || h.skipped || h.error) return [...lines, h === undefined ? 'not in this result' : h.skipped ? 'not run (--only)' : `failed: ${h.error}`, ''];
  const points = [h.day_1, h.day_10, h.day_30];
  const cell = (/** @type {(p: any) => any} */ pick) => points.map((p) => (p ? pick(p) : 'n/a')).join(' | ');
  const files = (/** @type {any} */ p) => `${p.curated_files.earthquakes} / ${p.curated_files.weather_hourly} / ${p.curated_files.recentchange}`;
  const perPartition = (/** @type {any} */ p) => `${p.max_files_per_partition.earthquakes} / ${p.max_files_per_partition.weather_hourly} / ${p.max_files_per_partition.recentchange}`;
  lines.push(
    `Cadence ×${h.cadence_scale} (${h.cadence_scale === 1 ? 'the default: faithful' : 'stretched: --quick'}), recentchange ${h.recentchange_events_per_s} events/s (rows scaled from 50/s), compaction target ${h.compaction_target_mb} MB; simulated days from ${String(h.simulated_start).slice(0, 10)}.`,
    '',
    '| figure | day 1 | day 10 | day 30 |',
    '|---|---|---|---|',
    `| normalizer cold start: spawn → "normalizer running" (s) | ${cell((p) => fmt(p.cold_start_s))} |`,
    `| … → first commit of a new reference (s) | ${cell((p) => fmt(p.first_commit_s))} |`,
    `| normalizer peak RSS: start + commit + one maintenance round (MB) | ${cell((p) => fmt(p.normalizer_peak_rss_mb))} |`,
    `| its maintenance round (ms) | ${cell((p) => fmt(p.maintenance_round_ms))} |`,
    `| dashboard queries p95 / p50 (ms) | ${cell((p) => `${fmt(p.dashboard_query_p95_ms)} / ${fmt(p.dashboard.p50_ms)}`)} |`,
    `| whole-table queries of today's dashboard p95 (ms, not in the target) | ${cell((p) => fmt(p.whole_table_queries.p95_ms))} |`,
    `| curated files: earthquakes / weather_hourly / recentchange | ${cell(files)} |`,
    `| max files in one partition (same order) | ${cell(perPartition)} |`,
    `| catalog (SQLite) size (KiB) | ${cell((p) => fmt(Math.round(p.catalog_bytes / 1024)))} |`,
    `| catalog rows: snapshots / data files (all) / column stats / files scheduled for deletion | ${cell((p) => `${fmt(p.catalog_rows.snapshots)} / ${fmt(p.catalog_rows.data_files_all)} / ${fmt(p.catalog_rows.file_column_stats)} / ${fmt(p.catalog_rows.files_scheduled_for_deletion)}`)} |`,
    `| simulated commits / maintenance rounds so far (segment) | ${cell((p) => `${fmt(p.simulation.commits)} / ${fmt(p.simulation.maintenance_rounds)}`)} |`,
    `| commit in the handler, last simulated day p50 / p95 (ms) | ${cell((p) => (p.simulation.last_day ? `${fmt(p.simulation.last_day.commit_ms.p50)} / ${fmt(p.simulation.last_day.commit_ms.p95)}` : 'n/a'))} |`,
    `| maintenance round, last simulated day p50 (ms) | ${cell((p) => (p.simulation.last_day ? fmt(p.simulation.last_day.maintenance_ms.p50) : 'n/a'))} |`,
    `| in-process commit path (the simulator: same code, no Kafka client), peak RSS over the segment (MB) | ${cell((p) => fmt(p.simulation.peak_rss_mb))} |`,
    `| simulation wall time of the segment (s) | ${cell((p) => fmt(p.simulation.wall_s))} |`,
    '',
  );
  const q = h.day_30?.dashboard?.queries;
  if (q) {
    lines.push('Day 30, per query (ms): p50 / p95 / first run', '', '| query | p50 | p95 | first |', '|---|---|---|---|');
    for (const [name, v] of Object.entries({ ...q, ...(h.day_30.whole_table_queries?.queries ?? {}) })) lines.push(`| ${name} | ${fmt(v.p50_ms)} | ${fmt(v.p95_ms)} | ${fmt(v.first_ms)} |`);
    lines.push('');
  }
  return lines;
}

/** Rewrites the summary block of bench/README.md from a complete full run. @param {any} r */
export async function updateReadmeSummary(r) {
  const readme = join(ROOT, 'bench', 'README.md');
  const text = await readFile(readme, 'utf8');
  const n = r.normalize ?? {};
  const f = (/** @type {any} */ v, unit = '') => (v === null || v === undefined ? 'n/a' : `${Number(v).toLocaleString('en', { maximumFractionDigits: 2 })}${unit}`);
  const rows = [
    `Run of ${r.date.slice(0, 10)}, ${r.machine.cores} cores, load average ${r.machine.load_before[0]} → ${r.load_after[0]}; medians, ranges in results/latest.md.` +
      Object.entries(r.merged_from ?? {})
        .map(([name, from]) => ` ${name}: from the run of ${String(/** @type {any} */ (from).date).slice(0, 16)} (load average ${/** @type {any} */ (from).load_before?.[0]} → ${/** @type {any} */ (from).load_after?.[0]}).`)
        .join(''),
    '',
    '| figure | value |',
    '|---|---|',
    `| normalize, fluxo | ${f(n.fluxo_rows_per_s)} rows/s, ${f(n.fluxo_files_per_s)} files/s, peak RSS ${f(n.fluxo_peak_rss_mb)} MB |`,
    `| normalize, ceiling (DuckDB alone) | ${f(n.ceiling_rows_per_s)} rows/s (${f(n.ratio_to_fluxo?.ceiling)}× fluxo) |`,
    `| normalize, naive (parquetjs) | ${f(n.naive_rows_per_s)} rows/s (${f(n.ratio_to_fluxo?.naive)}× fluxo) |`,
    `| normalize, PySpark Structured Streaming | ${n.spark_rows_per_s === null ? `n/a — ${n.spark_note}` : `${f(n.spark_rows_per_s)} rows/s (${f(n.ratio_to_fluxo?.spark)}× fluxo)`} |`,
    `| normalize, fluxo with the Spark engine (Spark Connect, local[2]) | ${n.fluxo_spark_rows_per_s === null || n.fluxo_spark_rows_per_s === undefined ? `n/a — ${n.fluxo_spark_note ?? 'not run'}` : `${f(n.fluxo_spark_rows_per_s)} rows/s (${f(n.ratio_to_fluxo?.fluxo_spark)}× fluxo)`} |`,
    `| ingest, one 100k-feature response | ${f(r.ingest?.rows_per_s)} rows/s, ${f(r.ingest?.time_to_reference_s)} s to reference |`,
    ...[
      [r.e2e, '1,000'],
      [r.e2e_10k, '10,000'],
    ].map(
      ([e, rate]) =>
        `| e2e at ${rate} events/s (receipt → curated reference) | ${e?.p50_ms === null || e?.p50_ms === undefined ? `n/a — ${e?.note ?? e?.error ?? ''}` : `p50 ${f(e.p50_ms)} ms, p95 ${f(e.p95_ms)} ms, p99 ${f(e.p99_ms)} ms, kept up: ${e.kept_up ? 'yes' : 'no'}`} |`,
    ),
    `| history at day 1 / 10 / 30 | ${historySummary(r.history)} |`,
    `| startup to first curated file | ${r.startup?.first_curated_s === null || r.startup?.first_curated_s === undefined ? `n/a — ${r.startup?.note ?? r.startup?.error ?? ''}` : `${f(r.startup.first_curated_s)} s`} |`,
    '',
    'Targets: ' + r.targets.map((/** @type {any} */ t) => `${t.name} ${t.met === null ? 'n/a' : t.met ? 'met' : `**missed** (${t.actual}; ${t.gap})`}`).join('; ') + '.',
  ];
  const updated = text.replace(/<!-- summary:start -->[\s\S]*<!-- summary:end -->/, `<!-- summary:start -->\n${rows.join('\n')}\n<!-- summary:end -->`);
  await writeFile(readme, updated);
}

/** @param {any} h */
function historySummary(h) {
  if (!h || h.skipped || h.error || !h.day_30) return `n/a — ${h?.error ?? 'not run'}`;
  const p = [h.day_1, h.day_10, h.day_30];
  const join = (/** @type {(x: any) => any} */ pick) => p.map((x) => (x ? pick(x) : 'n/a')).join(' / ');
  return `cold start ${join((x) => x.cold_start_s)} s, peak RSS ${join((x) => x.normalizer_peak_rss_mb)} MB, dashboard p95 ${join((x) => x.dashboard_query_p95_ms)} ms, catalog ${join((x) => Math.round(x.catalog_bytes / 1024))} KiB (cadence ×${h.cadence_scale})`;
}

/** Workload 7: the same backlog drained by 1, 2 and 3 normalizers on the PostgreSQL catalog. @param {any} sc */
function renderScale(sc) {
  const lines = ['## 7. scale — one backlog, 1 / 2 / 3 normalizers in one group (PostgreSQL catalog)', ''];
  if (!sc || sc.error || sc.skipped) return [...lines, sc?.skipped ? 'not run (--only)' : `failed: ${sc?.error ?? 'not run'}`, ''];
  lines.push(`${fmt(sc.rows)} rows in ${fmt(sc.files)} raw files over ${fmt(sc.partitions)} partitions (one dataset each), ${sc.catalog}; timed from publishing the references to the last curated reference.`, '');
  lines.push('| normalizers | rows/s (median) | × one | commits | peak RSS per process (MB) |', '|---|---|---|---|---|');
  for (const [n, x] of Object.entries(sc.instances)) lines.push(`| ${n} | ${fmt(x.rows_per_s)} | ${fmt(x.speedup)} | ${fmt(x.commits)} | ${fmt(x.peak_rss_mb)} |`);
  return [...lines, ''];
}
