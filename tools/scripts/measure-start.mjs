// @ts-nocheck
/**
 * Measures `npm start` in a checkout (docs/first-minute.md): seconds until each milestone — the
 * start's own `[fluxo +Ns]` lines, the first raw and curated files in the lake, the progress page,
 * the dashboard answering and showing data — then stops it (SIGINT to its process group, as Ctrl-C).
 * "Dashboard with data" means the overview page, as served, counts curated records (> 0) for a
 * normalizer stage. Also reported: the load average over the run (min/mean/max, sampled every 5 s)
 * and the CPU seconds the whole process tree of `npm start` used until then (user + system, live
 * processes and those they reaped) — the number that does not depend on what else the machine runs.
 * On a first start the dashboard is served by `next dev` until its production build takes over
 * (decision 0010): the run then goes on until `next start` serves it too, and reports the CPU seconds
 * at both points. For a fresh-machine run: a fresh clone, `NX_CACHE_DIRECTORY` pointing at an empty folder, free
 * ports 9092/9093/8787/3000.
 *
 *   node tools/scripts/measure-start.mjs <checkout> [label] [limit-seconds]   # JSON on stdout at the end
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';

const repo = resolve(process.argv[2] ?? '.');
const label = process.argv[3] ?? 'run';
const limitS = Number(process.argv[4] ?? 300);
const t0 = Date.now();
const at = () => ((Date.now() - t0) / 1000).toFixed(1);
const milestones = {};
const mark = (name) => {
  if (milestones[name] === undefined) {
    milestones[name] = Number(at());
    console.log(`[measure +${at()}s] ${name}`);
  }
};
const log = [];
const child = spawn('npm', ['start'], { cwd: repo, detached: true, env: { ...process.env, NX_DAEMON: 'false', FORCE_COLOR: '0' } });
for (const stream of [child.stdout, child.stderr]) {
  stream.on('data', (chunk) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      log.push(`+${at()} ${line}`);
      if (/resolving the Kafka broker jars/.test(line)) mark('jars: fetch started');
      if (/installing DuckDB .* extensions/.test(line)) mark('extensions: install started');
      if (/Kafka Server started|ready in .* s \(pid/.test(line)) mark('broker ready');
      if (/nx run web:build/.test(line)) mark('web build started');
      if (/Ready in|started server on|Local:\s+http/.test(line)) mark('next start ready');
      if (/committed curated batch/.test(line)) mark('first curated commit (log)');
      if (/dashboard in dev mode/.test(line)) mark('dev mode started');
      if (/\[fluxo \+[\d.]+s\] dashboard ready at \S+$/.test(line)) mark('production dashboard ready');
      if (/\[fluxo \+/.test(line)) mark(`fluxo: ${line.replace(/.*\[fluxo \+[\d.]+s\] /, '').slice(0, 60)}`);
    }
  });
}
const loads = [];
const loadTimer = setInterval(() => loads.push(loadavg()[0]), 5000);
loads.push(loadavg()[0]);
/** CPU seconds of `root` and its descendants: utime+stime of each live one, plus cutime+cstime (those it reaped). */
const treeCpuSeconds = (rootPid) => {
  const stats = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
      stats.set(Number(entry), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]) });
    } catch {
      // gone meanwhile
    }
  }
  let ticks = 0;
  const tree = new Set([rootPid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, stat] of stats) if (!tree.has(pid) && tree.has(stat.ppid)) (tree.add(pid), (grew = true));
  }
  for (const pid of tree) ticks += stats.get(pid)?.ticks ?? 0;
  return ticks / 100; // USER_HZ is 100 on Linux
};
const withData = (body) => /data-testid="stage-normalizer-[^"]+"[\s\S]*?data-testid="stage-total-records">([\d,]+)</.exec(body)?.[1]?.replaceAll(',', '') ?? '0';
const countFiles = (dir) => {
  if (!existsSync(dir)) return 0;
  let n = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) if (entry.isFile() && entry.name.endsWith('.parquet')) n += 1;
  return n;
};
let finished = false;
let asking = false;
const cpuSeconds = {};
const timer = setInterval(async () => {
  if (countFiles(join(repo, '.fluxo', 'lake', 'raw')) > 0) mark('first raw file');
  if (countFiles(join(repo, '.fluxo', 'lake', 'curated')) > 0) mark('first curated file');
  // One request at a time, waited for as a browser would (a dev server compiles, then renders slowly
  // under load: requests abandoned after a few seconds would pile up renders on it); once the page
  // showed data it is not asked again (a browser would now listen on its event stream).
  if (milestones['dashboard with data'] === undefined && !asking) try {
    asking = true;
    const response = await fetch('http://127.0.0.1:3000/', { signal: AbortSignal.timeout(120_000) });
    const body = await response.text();
    if (response.status === 200) mark(/fluxo is starting/.test(body) ? 'web: progress page' : 'web: dashboard HTTP 200');
    if (response.status === 200 && !/fluxo is starting/.test(body) && Number(withData(body)) > 0) {
      mark('dashboard with data');
      cpuSeconds['dashboard with data'] ??= treeCpuSeconds(child.pid);
    }
  } catch {
    // not yet
  } finally {
    asking = false;
  }
  const handedOver = milestones['dev mode started'] === undefined || milestones['production dashboard ready'] !== undefined;
  if (!finished && ((milestones['dashboard with data'] !== undefined && handedOver) || Number(at()) > limitS)) {
    finished = true;
    clearInterval(timer);
    clearInterval(loadTimer);
    cpuSeconds.end = treeCpuSeconds(child.pid);
    const load = { min: Math.min(...loads).toFixed(1), mean: (loads.reduce((a, b) => a + b, 0) / loads.length).toFixed(1), max: Math.max(...loads).toFixed(1) };
    console.log(JSON.stringify({ label, milestones, cpuSeconds, load, log: log.slice(-40) }, null, 2));
    process.kill(-child.pid, 'SIGINT');
    setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
      process.exit(0);
    }, 30_000).unref();
    child.on('exit', () => process.exit(0));
  }
}, 500);
