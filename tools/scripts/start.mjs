// @ts-check
/**
 * `npm start`: the whole pipeline on this machine, the Nx way — `nx run-many -t serve` over the
 * local Kafka broker, the replay API (recorded real responses), ingest, stream-ingest, normalizer
 * and the web dashboard. `npm start -- --live` polls the real public APIs instead of the replay server.
 * Ctrl-C stops every process; the broker shuts down cleanly.
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { ensureDuckDBExtensions } from '../duckdb-extensions/extensions.mjs';
import { stopBroker } from '../local-kafka/broker.mjs';
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

const child = spawn('npx', ['nx', 'run-many', '-t', 'serve', `--projects=${projects.join(',')}`, '--parallel=8', '--outputStyle=stream'], {
  cwd: root,
  env,
  stdio: 'inherit',
});
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.on(signal, () => child.kill(signal));
}
// Report each app once its /readyz answers 200 (or, after two minutes, what it still waits for).
const readiness = new AbortController();
void watchReadiness(['ingest', 'stream-ingest', 'normalizer', 'web'], { log: (message) => console.log(`[fluxo] ${message}`), signal: readiness.signal });
// Safety net: whatever happened to the Nx task runner, leave no broker behind (idempotent).
child.on('exit', (code, signal) => {
  readiness.abort();
  void stopBroker()
    .catch(() => undefined)
    .then(() => process.exit(code ?? (signal === null ? 0 : 1)));
});
