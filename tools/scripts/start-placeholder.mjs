// @ts-check
/**
 * The page `npm start` serves on the dashboard's address until the dashboard is built (a fresh
 * machine's first `next build` takes minutes on two cores): what is being fetched and built, for how
 * long, and the data already flowing (raw and curated files in the lake). It polls a small JSON
 * status and reloads itself once the address answers with the real dashboard. Read-only, loopback
 * by default (FLUXO_WEB_HOST), no assets.
 */
import { readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';

const STEPS = /** @type {const} */ ({
  extensions: 'DuckDB extensions',
  broker: 'Kafka broker',
  apps: 'pipeline apps',
  dashboard: 'dashboard (Next.js build)',
});

/**
 * @param {{ host: string, port: number, lakeDir: string, started: number }} options
 * @returns {Promise<{ step(name: keyof typeof STEPS, state: 'running' | 'done' | 'failed', detail?: string): void, close(): Promise<void> }>}
 */
export async function startPlaceholder({ host, port, lakeDir, started }) {
  /** @type {Record<string, { state: string, detail: string, since: number }>} */
  const steps = Object.fromEntries(Object.keys(STEPS).map((name) => [name, { state: 'pending', detail: '', since: Date.now() }]));
  let counted = { at: 0, raw: 0, curated: 0 };
  const status = () => {
    if (Date.now() - counted.at > 2_000) counted = { at: Date.now(), raw: countParquet(join(lakeDir, 'raw')), curated: countParquet(join(lakeDir, 'curated')) };
    return {
      startingForS: Math.round((Date.now() - started) / 1000),
      steps: Object.entries(steps).map(([name, step]) => ({ name: STEPS[/** @type {keyof typeof STEPS} */ (name)], ...step, forS: Math.round((Date.now() - step.since) / 1000) })),
      rawFiles: counted.raw,
      curatedFiles: counted.curated,
    };
  };
  const server = createServer((request, response) => {
    if (request.url === '/__fluxo/starting') {
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(status()));
      return;
    }
    response.writeHead(request.url === '/' ? 200 : 503, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'retry-after': '2' }).end(PAGE);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(undefined));
  });
  return {
    step(name, state, detail = '') {
      steps[name] = { state, detail, since: Date.now() };
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** @param {string} dir */
function countParquet(dir) {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile() && entry.name.endsWith('.parquet') && !entry.name.startsWith('.')).length;
  } catch {
    return 0;
  }
}

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>fluxo is starting</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1f2937}
h1{font-size:1.4rem}li{list-style:none;margin:.2rem 0}.done{color:#15803d}.failed{color:#b91c1c}.running{color:#1d4ed8}
code{background:#f3f4f6;padding:0 .25rem;border-radius:3px}small{color:#6b7280}</style></head>
<body><h1>fluxo is starting</h1>
<p>The dashboard is being built; this page shows how far the start has got and replaces itself with the dashboard when it is ready.</p>
<ul id="steps"><li>…</li></ul>
<p id="data"></p>
<p><small>Meanwhile, from a terminal: <code>npx fluxo status</code></small></p>
<script>
const mark = { pending: '·', running: '…', done: '✓', failed: '✗' };
async function poll() {
  try {
    const response = await fetch('/__fluxo/starting', { cache: 'no-store' });
    if (!response.ok) return location.reload();
    const status = await response.json();
    document.getElementById('steps').innerHTML = status.steps
      .map((s) => '<li class="' + s.state + '">' + mark[s.state] + ' ' + s.name + (s.state === 'running' ? ' (' + s.forS + ' s)' : '') + (s.detail ? ' <small>' + s.detail.replace(/[<>&]/g, '') + '</small>' : '') + '</li>')
      .join('');
    document.getElementById('data').textContent = 'Starting for ' + status.startingForS + ' s. Data already in the lake: ' + status.rawFiles + ' raw file(s), ' + status.curatedFiles + ' curated file(s).';
  } catch (error) {
    // the dashboard is taking over the address
  }
  setTimeout(poll, 1000);
}
poll();
</script></body></html>`;
