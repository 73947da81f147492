// @ts-check
/**
 * `npm start`: the whole pipeline on this machine — the local Kafka broker, the replay API
 * (recorded real responses), ingest, stream-ingest, normalizer and the web dashboard. It builds what
 * the projects' `serve` targets depend on (`nx run-many -t build`), then runs each `serve` command
 * under a supervisor (tools/supervisor): an app that dies is restarted with a back-off (1 s,
 * doubling, at most 30 s; from 1 s again once it stayed up a minute), and every exit and restart
 * is logged; an exit with code 2 (invalid configuration, missing Java) is not retried.
 * `npm start -- --live` polls the real public APIs instead of the replay server.
 * Ctrl-C stops every app, then the broker, cleanly (a second Ctrl-C kills everything).
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { delimiter, join, resolve } from 'node:path';
import { ensureDuckDBExtensions } from '../duckdb-extensions/extensions.mjs';
import { stopBroker } from '../local-kafka/broker.mjs';
import { Supervisor } from '../supervisor/supervisor.mjs';
import { METRICS_PORTS, watchReadiness } from './readiness.mjs';

const root = join(import.meta.dirname, '..', '..');
const live = process.argv.includes('--live');
const replayUrl = 'http://127.0.0.1:8787';

// Apps run from the repository root, so their relative defaults (.fluxo/lake, .fluxo/state/<app>)
// land in the repository's .fluxo folder.
const env = { ...process.env, NX_DAEMON: 'false' };
const lakeDir = resolve(root, env['FLUXO_LAKE_DIR'] ?? join('.fluxo', 'lake'));
if (!live) {
  env['FLUXO_SOURCE_BASE_URL'] ??= replayUrl;
  // The replay server advances through its recordings every 15 s: poll a little faster than that.
  env['FLUXO_SOURCES'] ??= 'usgs-earthquakes?feed=all_day&intervalMs=5000,open-meteo-forecast?intervalMs=10000';
  // Cut the replayed Wikipedia stream into a file every 10 s, so the dashboard moves from the start.
  env['FLUXO_BATCH_MAX_AGE_MS'] ??= '10000';
} else {
  delete env['FLUXO_SOURCE_BASE_URL'];
}

const projects = ['local-kafka', ...(live ? [] : ['replay-api']), 'ingest', 'stream-ingest', 'normalizer', 'web'];
console.log(
  [
    '',
    `fluxo — starting ${projects.join(', ')} (${live ? 'LIVE public APIs' : `replay API at ${replayUrl}`})`,
    `  lake:    ${lakeDir}  (raw/, curated/, quarantine/)`,
    '  kafka:   127.0.0.1:9092  topics fluxo.raw-files, fluxo.curated-files, fluxo.dead-letter',
    `  web:     http://${env['FLUXO_WEB_HOST'] ?? '127.0.0.1'}:${env['FLUXO_WEB_PORT'] ?? '3000'}  (live dashboard)`,
    `  tables:  ${env['FLUXO_CATALOG'] ?? 'sqlite:.fluxo/catalog/fluxo.sqlite'}  (DuckLake catalog: fluxo.main.<dataset>, <dataset>_latest)`,
    "  query:   duckdb -c \"ATTACH 'ducklake:sqlite:.fluxo/catalog/fluxo.sqlite' AS fluxo (READ_ONLY); SELECT * FROM fluxo.earthquakes_latest LIMIT 5\"",
    `  metrics: ${Object.entries(METRICS_PORTS).map(([app, port]) => `${app} :${port}`).join(', ')}  (/metrics, /healthz, /readyz — docs/observability.md)`,
    '  stop:    Ctrl-C',
    '',
  ].join('\n'),
);

// The normalizer and the dashboard load DuckLake from a project-local extension directory.
await ensureDuckDBExtensions({ root, log: (message) => console.log(`[fluxo] ${message}`) });

/** Where each project lives: its `serve` target is read from its project.json. */
const ROOTS = /** @type {Record<string, string>} */ ({
  'local-kafka': 'tools/local-kafka',
  'replay-api': 'tools/replay-api',
  ingest: 'apps/ingest',
  'stream-ingest': 'apps/stream-ingest',
  normalizer: 'apps/normalizer',
  web: 'apps/web',
});

/** @param {string} project @returns {Promise<{ command: string, build: boolean }>} */
async function serveTarget(project) {
  const config = JSON.parse(await readFile(join(root, ROOTS[project] ?? project, 'project.json'), 'utf8'));
  const serve = config.targets?.serve;
  if (typeof serve?.options?.command !== 'string') throw new Error(`${project} has no serve command`);
  return { command: serve.options.command, build: (serve.dependsOn ?? []).includes('build') };
}

/** @param {string[]} args @returns {Promise<number>} */
function nx(args) {
  return new Promise((resolveExit) => {
    const child = spawn('npx', ['nx', ...args], { cwd: root, env, stdio: 'inherit' });
    child.on('exit', (code) => resolveExit(code ?? 1));
  });
}

const targets = new Map(await Promise.all(projects.map(async (project) => /** @type {const} */ ([project, await serveTarget(project)]))));
const toBuild = projects.filter((project) => targets.get(project)?.build === true);
if (toBuild.length > 0 && (await nx(['run-many', '-t', 'build', `--projects=${toBuild.join(',')}`, '--outputStyle=stream'])) !== 0) {
  console.error('[fluxo] the build failed; nothing started');
  process.exit(1);
}

// `nx:run-commands` runs commands with node_modules/.bin on the PATH (`next start`): so do we.
const serveEnv = { ...env, PATH: [join(root, 'node_modules', '.bin'), env['PATH'] ?? ''].join(delimiter) };
const supervisor = new Supervisor({ log: (message) => console.log(`[supervisor] ${message}`) });
// The broker first, so it stops last: apps finish their commits before it goes.
for (const project of projects) {
  const target = targets.get(project);
  if (target === undefined) continue;
  supervisor.add({
    name: project,
    command: `exec ${target.command}`,
    shell: true,
    cwd: root,
    env: serveEnv,
    stopGraceMs: project === 'local-kafka' ? 45_000 : 20_000,
  });
}

let signals = 0;
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
  process.on(signal, () => {
    signals += 1;
    if (signals > 1) {
      console.log(`[fluxo] ${signal} again: killing everything`);
      supervisor.killAll();
      void stopBroker({ graceMs: 0 }).finally(() => process.exit(130));
      return;
    }
    console.log(`[fluxo] ${signal}: stopping the apps, then the broker (again to force)…`);
    readiness.abort();
    void supervisor
      .stop()
      // Safety net: whatever happened to the broker's process, leave no broker behind (idempotent).
      .then(() => stopBroker().catch(() => undefined))
      .then(() => process.exit(0));
  });
}
// Report each app once its /readyz answers 200 (or, after two minutes, what it still waits for).
const readiness = new AbortController();
void watchReadiness(['ingest', 'stream-ingest', 'normalizer', 'web'], { log: (message) => console.log(`[fluxo] ${message}`), signal: readiness.signal });
