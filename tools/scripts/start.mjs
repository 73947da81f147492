// @ts-check
/**
 * `npm start`: the whole pipeline on this machine — the local Kafka broker, the replay API
 * (recorded real responses), ingest, stream-ingest, normalizer and the web dashboard. Each
 * project's `serve` command runs under a supervisor (tools/supervisor): an app that dies is
 * restarted with a back-off (1 s, doubling, at most 30 s; from 1 s again once it stayed up a
 * minute), and every exit and restart is logged; an exit with code 2 (invalid configuration,
 * missing Java) is not retried. `npm start -- --live` polls the real public APIs instead of the
 * replay server. Ctrl-C stops every app, then the broker, cleanly (a second Ctrl-C kills everything).
 *
 * The first minute on a fresh machine (docs/first-minute.md): everything slow starts at once instead
 * of one after the other — the broker (whose first start fetches its jars), the DuckDB extensions
 * (PyPI wheels unpacked by Node), the pipeline's bundles and the dashboard's Next.js build (Nx,
 * cached: reused while its sources do not change). The pipeline starts as soon as its bundles and
 * the extensions are there (the apps wait for the broker themselves); the dashboard's address
 * answers at once with a progress page, which hands over to the dashboard when its build is done. On
 * a first start (no production build of the dashboard here) `next dev` serves the dashboard at once
 * instead, compiling only the pages asked for; its production build then runs in the background and
 * `next start` takes over when it is done (decision 0010).
 * Each step prints `[fluxo +<seconds>s]`. Builds run with `--exclude-task-dependencies`: esbuild and
 * Next compile the libraries from source, so the libraries' own `tsc` builds are not needed to run.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { setPriority } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { ensureDuckDBExtensions } from '../duckdb-extensions/extensions.mjs';
import { stopBroker } from '../local-kafka/broker.mjs';
import { Supervisor } from '../supervisor/supervisor.mjs';
import { METRICS_PORTS, watchReadiness } from './readiness.mjs';
import { startPlaceholder } from './start-placeholder.mjs';

const started = Date.now();
const root = join(import.meta.dirname, '..', '..');
const live = process.argv.includes('--live');
const replayUrl = 'http://127.0.0.1:8787';
/** @param {string} message */
const say = (message) => console.log(`[fluxo +${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);

// Apps run from the repository root, so their relative defaults (.fluxo/lake, .fluxo/state/<app>)
// land in the repository's .fluxo folder.
const env = { ...process.env, NX_DAEMON: 'false', NEXT_TELEMETRY_DISABLED: '1' };
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
const webHost = env['FLUXO_WEB_HOST'] ?? '127.0.0.1';
const webPort = Number(env['FLUXO_WEB_PORT'] ?? '3000');
const webUrl = `http://${webHost}:${webPort}`;

const apps = [...(live ? [] : ['replay-api']), 'ingest', 'stream-ingest', 'normalizer'];
console.log(
  [
    '',
    `fluxo — starting local-kafka, ${apps.join(', ')}, web (${live ? 'LIVE public APIs' : `replay API at ${replayUrl}`})`,
    `  lake:    ${lakeDir}  (raw/, curated/, quarantine/)`,
    '  kafka:   127.0.0.1:9092  topics fluxo.raw-files, fluxo.curated-files, fluxo.dead-letter',
    `  web:     ${webUrl}  (live dashboard; a progress page until it is built)`,
    `  tables:  ${env['FLUXO_CATALOG'] ?? 'sqlite:.fluxo/catalog/fluxo.sqlite'}  (DuckLake catalog: fluxo.main.<dataset>, <dataset>_latest)`,
    '  operate: npx fluxo status   (also: dead-letters, reprocess, query "SELECT * FROM earthquakes_latest LIMIT 5"; npx fluxo --help)',
    `  metrics: ${Object.entries(METRICS_PORTS).map(([app, port]) => `${app} :${port}`).join(', ')}  (/metrics, /healthz, /readyz — docs/observability.md)`,
    '  stop:    Ctrl-C',
    '',
  ].join('\n'),
);

/** Where each project lives: its `serve` target is read from its project.json. */
const ROOTS = /** @type {Record<string, string>} */ ({
  'local-kafka': 'tools/local-kafka',
  'replay-api': 'tools/replay-api',
  ingest: 'apps/ingest',
  'stream-ingest': 'apps/stream-ingest',
  normalizer: 'apps/normalizer',
  web: 'apps/web',
});

/**
 * @param {string} project @param {'serve' | 'dev'} [targetName] the dashboard's `dev` target is its interim server
 * @returns {Promise<{ command: string, build: boolean }>}
 */
async function serveTarget(project, targetName = 'serve') {
  const config = JSON.parse(await readFile(join(root, ROOTS[project] ?? project, 'project.json'), 'utf8'));
  const serve = config.targets?.[targetName];
  if (typeof serve?.options?.command !== 'string') throw new Error(`${project} has no ${targetName} command`);
  return { command: serve.options.command, build: (serve.dependsOn ?? []).includes('build') };
}

/** Build processes in flight (in process groups of their own, stopped with everything else). */
/** @type {Set<import('node:child_process').ChildProcess>} */
const builds = new Set();

/**
 * `nx run-many -t build` over `projects` alone (cached; the libraries are compiled from source by
 * the bundlers), output prefixed with `label`. Resolves with the exit code. `background`: at a lower
 * CPU priority (nice 10, inherited by everything it starts), after what is already running.
 * @param {string} label @param {readonly string[]} projects @param {{ background?: boolean }} [options] @returns {Promise<number>}
 */
function build(label, projects, options = {}) {
  if (projects.length === 0) return Promise.resolve(0);
  const child = spawn('npx', ['nx', 'run-many', '-t', 'build', `--projects=${projects.join(',')}`, '--exclude-task-dependencies', '--outputStyle=static', '--parallel=4'], {
    cwd: root,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  builds.add(child);
  if (options.background === true && child.pid !== undefined) setPriority(child.pid, 10);
  for (const [stream, out] of /** @type {const} */ ([[child.stdout, process.stdout], [child.stderr, process.stderr]])) {
    let rest = '';
    stream.on('data', (/** @type {Buffer} */ chunk) => {
      const lines = (rest + chunk.toString('utf8')).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '') out.write(`[${label}] ${line}\n`);
    });
  }
  return new Promise((resolveExit) =>
    child.on('exit', (code) => {
      builds.delete(child);
      resolveExit(code ?? 1);
    }),
  );
}

/** @param {NodeJS.Signals} signal */
function signalBuilds(signal) {
  for (const child of builds) {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  }
}

// `nx:run-commands` runs commands with node_modules/.bin on the PATH (`next start`): so do we.
const serveEnv = { ...env, PATH: [join(root, 'node_modules', '.bin'), env['PATH'] ?? ''].join(delimiter) };
const supervisor = new Supervisor({ log: (message) => console.log(`[supervisor] ${message}`) });
let stopping = false;

/** @param {string} project @param {(line: string) => void} [onLine] @param {'serve' | 'dev'} [targetName] */
async function serve(project, onLine, targetName = 'serve') {
  const target = await serveTarget(project, targetName);
  if (stopping) return;
  supervisor.add({
    name: targetName === 'serve' ? project : `${project}-${targetName}`,
    command: `exec ${target.command}`,
    shell: true,
    cwd: root,
    // `next dev` fails to compile under NODE_ENV=production, should the shell have it set.
    env: targetName === 'dev' ? { ...serveEnv, NODE_ENV: 'development' } : serveEnv,
    stopGraceMs: project === 'local-kafka' ? 45_000 : 20_000,
    ...(onLine === undefined
      ? {}
      : {
          output: (line, stream) => {
            (stream === 'stderr' ? process.stderr : process.stdout).write(`[${project}] ${line}\n`);
            onLine(line);
          },
        }),
  });
}

const readiness = new AbortController();
/** @type {Awaited<ReturnType<typeof startPlaceholder>> | undefined} */
let placeholder;
let signals = 0;
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
  process.on(signal, () => {
    signals += 1;
    stopping = true;
    if (signals > 1) {
      console.log(`[fluxo] ${signal} again: killing everything`);
      signalBuilds('SIGKILL');
      supervisor.killAll();
      void stopBroker({ graceMs: 0 }).finally(() => process.exit(130));
      return;
    }
    console.log(`[fluxo] ${signal}: stopping the apps, then the broker (again to force)…`);
    readiness.abort();
    signalBuilds('SIGINT');
    void (placeholder?.close() ?? Promise.resolve())
      .then(() => supervisor.stop())
      // Safety net: whatever happened to the broker's process, leave no broker behind (idempotent).
      .then(() => stopBroker().catch(() => undefined))
      .then(() => process.exit(0));
  });
}
// Builds run in process groups of their own: never leave one behind.
process.on('exit', () => signalBuilds('SIGKILL'));

// 1. The dashboard's address answers at once: a progress page — or, when the dashboard has never been
//    built here (a first start), the dashboard itself in dev mode (`next dev` compiles only the pages
//    asked for: the overview first); its production build runs afterwards, in the background (4.).
const devFirst = !existsSync(join(root, ROOTS['web'] ?? 'apps/web', '.next', 'BUILD_ID'));
if (devFirst) {
  say('first start: serving the dashboard in dev mode until its production build is done');
} else {
  try {
    placeholder = await startPlaceholder({ host: webHost, port: webPort, lakeDir, started });
    say(`progress page at ${webUrl} (the dashboard replaces it when built)`);
  } catch (error) {
    say(`no progress page (${error instanceof Error ? error.message : String(error)}); the dashboard comes up when built`);
  }
}
/** @param {'extensions' | 'broker' | 'apps' | 'dashboard'} name @param {'running' | 'done' | 'failed'} state */
const step = (name, state, detail = '') => placeholder?.step(name, state, detail);

// 2. At once: the dashboard (its build, the long pole of a start that rebuilds it; or its dev server),
//    the broker (its first start fetches the jars), the extensions, the bundles.
step('dashboard', 'running', 'next build (reused while its sources do not change)');
const webBuilt = devFirst ? undefined : build('web:build', ['web']);
const devServed = devFirst ? serveDev() : undefined;
step('broker', 'running', 'fetching its jars on the first start, then starting');
let brokerReady = false;
await serve('local-kafka', (line) => {
  if (!brokerReady && /ready in [\d.]+ s/.test(line)) {
    brokerReady = true;
    say('Kafka broker ready');
    step('broker', 'done');
  }
});
step('extensions', 'running');
const extensions = ensureDuckDBExtensions({ root, log: (message) => say(message) }).then(
  () => {
    say('DuckDB extensions ready');
    step('extensions', 'done');
    return true;
  },
  (error) => {
    say(`DuckDB extensions: ${error instanceof Error ? error.message : String(error)}`);
    step('extensions', 'failed', String(error));
    return false;
  },
);
const toBuild = [];
for (const app of apps) if ((await serveTarget(app)).build) toBuild.push(app);
step('apps', 'running', 'building bundles (Nx cache)');
const appsBuilt = build('build', toBuild);

// 3. The pipeline as soon as its bundles and the extensions are there; the apps wait for the broker themselves.
const [appsCode, extensionsOk] = await Promise.all([appsBuilt, extensions]);
if (appsCode !== 0 || !extensionsOk) {
  say(appsCode !== 0 ? `building the apps failed (exit ${appsCode}); nothing else started` : 'without the DuckDB extensions the normalizer and the dashboard cannot run');
  step('apps', 'failed', appsCode !== 0 ? `nx build exited with ${appsCode}` : 'extensions missing');
  process.kill(process.pid, 'SIGTERM');
} else if (!stopping) {
  say(`apps built; starting ${apps.join(', ')}`);
  step('apps', 'done');
  for (const app of apps) await serve(app);
  // Report each app once its /readyz answers 200 (or, after two minutes, what it still waits for).
  void watchReadiness(['ingest', 'stream-ingest', 'normalizer', 'web'], { log: (message) => say(message), signal: readiness.signal });
}

// 4. The dashboard: when its build is done (or restored from the cache); on a first start, `next dev`
//    at once, then the production build in the background, which takes over when done (decision 0010).
void (async () => {
  if (devServed !== undefined) {
    const status = await devServed;
    if (status === undefined) return;
    say(`dashboard ready at ${webUrl} (dev mode, HTTP ${status}); building it for production in the background`);
  }
  if (!(await extensions) || stopping) return;
  const code = await (webBuilt ?? build('web:build', ['web'], { background: true }));
  if (stopping) return;
  if (code !== 0) {
    say(`building the dashboard failed (exit ${code}); see above — ${devFirst ? 'dev mode keeps serving it' : 'the pipeline keeps running'}`);
    step('dashboard', 'failed', `next build exited with ${code}`);
    return;
  }
  say(devFirst ? 'dashboard built; replacing dev mode by it' : 'dashboard built; starting it');
  if (devFirst) await supervisor.stopService('web-dev');
  await placeholder?.close();
  placeholder = undefined;
  await serve('web');
  const status = await firstAnswer();
  if (status !== undefined) say(`dashboard ready at ${webUrl}${status === 200 ? '' : ` (HTTP ${status})`}`);
})();

/** `next dev` on the dashboard's address, then its overview page compiled at once rather than on the first visit. */
async function serveDev() {
  await serve('web', undefined, 'dev');
  return firstAnswer();
}

/**
 * Waits until the dashboard's address answers its overview page (compiled, in dev mode); resolves with
 * the HTTP status, or undefined when stopping first.
 */
async function firstAnswer() {
  while (!stopping) {
    try {
      return (await fetch(`${webUrl}/`, { signal: AbortSignal.timeout(120_000) })).status;
    } catch {
      // not listening yet
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, 500));
  }
  return undefined;
}

// 5. The data itself: watched only in a lake that starts empty (its tree is tiny meanwhile).
void (async () => {
  if (hasEntries(join(lakeDir, 'raw'))) return say(`the lake already holds data (${lakeDir})`);
  for (const milestone of [
    { dir: join(lakeDir, 'raw'), message: 'first raw file in the lake' },
    { dir: join(lakeDir, 'curated'), message: 'first curated rows committed (npx fluxo status)' },
  ]) {
    while (!stopping && !hasParquet(milestone.dir)) await new Promise((resolveWait) => setTimeout(resolveWait, 500));
    if (!stopping) say(milestone.message);
  }
})();

/** @param {string} dir */
function hasEntries(dir) {
  try {
    return readdirSync(dir).length > 0;
  } catch {
    return false;
  }
}

/** @param {string} dir */
function hasParquet(dir) {
  if (!existsSync(dir)) return false;
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true }).some((entry) => entry.isFile() && entry.name.endsWith('.parquet') && !entry.name.startsWith('.'));
  } catch {
    return false;
  }
}
