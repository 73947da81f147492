// @ts-check
/**
 * `npm start`: the whole pipeline on this machine — the local Kafka broker, the replay API (recorded
 * real responses), ingest, stream-ingest, normalizer and the web dashboard. `npm start -- --live`
 * polls the real public APIs instead of the replay server. Ctrl-C stops every process; the broker
 * shuts down cleanly.
 *
 * The first minute on a fresh machine (issue 11): everything slow starts at once instead of one
 * after the other — the DuckDB extensions (PyPI wheels unpacked by Node), the broker (whose first
 * start fetches its jars), the pipeline's bundles (Nx, cached) and the dashboard's Next.js build
 * (Nx, cached: reused while its sources do not change). The pipeline starts as soon as its bundles
 * and the extensions are there (the apps wait for the broker themselves); the dashboard's port
 * answers at once with a page that shows the progress and the data already flowing, and hands over
 * to the real dashboard when its build is done. Each step prints `[fluxo +<seconds>s]`.
 * Builds run with `--exclude-task-dependencies`: the bundles and Next compile the libraries from
 * source, so the libraries' own `tsc` builds are not needed to run.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureDuckDBExtensions } from '../duckdb-extensions/extensions.mjs';
import { stopBroker } from '../local-kafka/broker.mjs';
import { startPlaceholder } from './start-placeholder.mjs';

const started = Date.now();
const root = join(import.meta.dirname, '..', '..');
const live = process.argv.includes('--live');
const replayUrl = 'http://127.0.0.1:8787';
const elapsed = () => ((Date.now() - started) / 1000).toFixed(1);
/** @param {string} message */
const say = (message) => console.log(`[fluxo +${elapsed()}s] ${message}`);

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
    '  stop:    Ctrl-C',
    '',
  ].join('\n'),
);

/** @typedef {{ label: string, child: import('node:child_process').ChildProcess, exited: Promise<number | null> }} Running */
/** @type {Set<Running>} */
const running = new Set();
let stopping = false;

/**
 * Runs a command (in its own process group, so Ctrl-C reaches its children) with each output line
 * prefixed by its label, as `nx run-many --outputStyle=stream` did.
 * @param {string} label @param {string} command @returns {Running}
 */
function run(label, command) {
  const child = spawn(command, { cwd: root, env, shell: true, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  /** @param {import('node:stream').Readable | null} stream @param {NodeJS.WriteStream} out */
  const relay = (stream, out) => {
    let rest = '';
    stream?.on('data', (/** @type {Buffer} */ chunk) => {
      const lines = (rest + chunk.toString('utf8')).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) out.write(`${label}: ${line}\n`);
    });
    stream?.on('end', () => rest !== '' && out.write(`${label}: ${rest}\n`));
  };
  relay(child.stdout, process.stdout);
  relay(child.stderr, process.stderr);
  /** @type {Running} */
  const entry = { label, child, exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
  running.add(entry);
  void entry.exited.then((code) => {
    running.delete(entry);
    if (!stopping && code !== 0 && !label.endsWith(':build')) say(`${label} exited with code ${code}`);
  });
  return entry;
}

/** A project's `serve` command, as its project.json declares it (what `nx run <project>:serve` runs). @param {string} project */
function serveCommand(project) {
  const folder = ['local-kafka', 'replay-api'].includes(project) ? join('tools', project) : join('apps', project);
  const config = JSON.parse(readFileSync(join(root, folder, 'project.json'), 'utf8'));
  const command = config.targets?.serve?.options?.command;
  if (typeof command !== 'string') throw new Error(`${folder}/project.json has no serve command`);
  return command;
}

/** @param {string} projects */
const nxBuild = (projects) => `npx nx run-many -t build --projects=${projects} --exclude-task-dependencies --outputStyle=static --parallel=4`;

async function shutdown(/** @type {NodeJS.Signals} */ signal) {
  if (stopping) return;
  stopping = true;
  say(`stopping (${signal})…`);
  await placeholder?.close().catch(() => undefined);
  for (const { child } of running) {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGINT');
    } catch {
      // already gone
    }
  }
  const deadline = new Promise((resolve) => setTimeout(resolve, 35_000).unref());
  await Promise.race([Promise.all([...running].map((entry) => entry.exited)), deadline]);
  for (const { child } of running) {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  // Safety net: whatever happened to the broker's process, leave none behind (idempotent).
  await stopBroker().catch(() => undefined);
  process.exit(0);
}
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) process.on(signal, () => void shutdown(signal));
// The children run in process groups of their own (so a stop reaches their children too): never leave one behind.
process.on('exit', () => {
  for (const { child } of running) {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

// 1. The dashboard's address answers at once.
/** @type {Awaited<ReturnType<typeof startPlaceholder>> | undefined} */
let placeholder;
try {
  placeholder = await startPlaceholder({ host: webHost, port: webPort, lakeDir, started });
  say(`progress page at ${webUrl} (the dashboard replaces it when built)`);
} catch (error) {
  say(`no progress page (${error instanceof Error ? error.message : String(error)}); the dashboard comes up when built`);
}
const step = (/** @type {'extensions' | 'broker' | 'apps' | 'dashboard'} */ name, /** @type {'running' | 'done' | 'failed'} */ state, detail = '') => placeholder?.step(name, state, detail);

// 2. At once: broker (first start fetches its jars), extensions, the pipeline's bundles, the dashboard build.
step('broker', 'running', 'fetching jars (first run) and starting');
const broker = run('local-kafka', serveCommand('local-kafka'));
step('extensions', 'running');
const extensions = ensureDuckDBExtensions({ root, log: (message) => say(message) }).then(
  () => {
    say('DuckDB extensions ready');
    step('extensions', 'done');
  },
  (error) => {
    step('extensions', 'failed', String(error));
    throw error;
  },
);
step('apps', 'running', 'building bundles (Nx cache)');
const appsBuild = run('build', nxBuild(apps.join(',')));
step('dashboard', 'running', 'next build (reused while its sources do not change)');
const webBuild = run('web:build', nxBuild('web'));

// 3. The pipeline as soon as its bundles and the extensions are ready; the apps wait for the broker themselves.
void broker.child.stdout?.on('data', (/** @type {Buffer} */ chunk) => {
  if (/ready in [\d.]+ s/.test(chunk.toString('utf8'))) {
    say('Kafka broker ready');
    step('broker', 'done');
  }
});
const [appsCode] = await Promise.all([appsBuild.exited, extensions.catch(() => undefined)]);
if (appsCode !== 0) {
  say(`building the apps failed (exit ${appsCode}); see above`);
  step('apps', 'failed', `nx build exited with ${appsCode}`);
  await shutdown('SIGTERM');
}
say(`apps built; starting ${apps.join(', ')}`);
step('apps', 'done');
for (const app of apps) run(app, serveCommand(app));

// 4. The dashboard when its build is done (or reused).
void webBuild.exited.then(async (code) => {
  if (stopping) return;
  if (code !== 0) {
    say(`building the dashboard failed (exit ${code}); see above — the pipeline keeps running`);
    step('dashboard', 'failed', `next build exited with ${code}`);
    return;
  }
  say('dashboard built; starting it');
  step('dashboard', 'done', 'starting');
  await placeholder?.close();
  placeholder = undefined;
  run('web', serveCommand('web'));
  for (;;) {
    if (stopping) return;
    try {
      const response = await fetch(`${webUrl}/`, { signal: AbortSignal.timeout(10_000) });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  say(`dashboard ready at ${webUrl}`);
});

// 5. Progress of the data itself.
void (async () => {
  const milestones = [
    { dir: join(lakeDir, 'raw'), message: 'first raw file in the lake' },
    { dir: join(lakeDir, 'curated'), message: 'first curated rows committed (npx fluxo status)' },
  ];
  // Watched only in a lake that starts empty (its tree is tiny meanwhile); a lake with history is not walked.
  if (hasEntries(join(lakeDir, 'raw'))) return say(`the lake already holds data (${lakeDir})`);
  for (const milestone of milestones) {
    while (!stopping && !hasParquet(milestone.dir)) await new Promise((resolve) => setTimeout(resolve, 500));
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
