// @ts-check
/**
 * `npm run soak [-- --minutes N] [--seed S] [--keep]`: the chaos soak of issue 9 (tools/e2e/src/soak).
 * Builds the apps and the soak, provides the DuckDB extensions and the Kafka jars, then runs
 * `dist/tools/soak/main.cjs`, which starts its own broker on free loopback ports, the replay server
 * and the apps under the supervisor, causes chaos for N minutes (default 3), drains, checks and
 * prints one line: `kills=… broker_restarts=… lost=… duplicated=… dead_letters=… verdict=PASS|FAIL`.
 * Exits 0 on PASS, 1 on FAIL, 2 on bad arguments.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ensureDuckDBExtensions } from '../duckdb-extensions/extensions.mjs';
import { installKafka } from '../local-kafka/broker.mjs';

const root = join(import.meta.dirname, '..', '..');
const args = process.argv.slice(2);
const env = { ...process.env, NX_DAEMON: 'false' };

/** @param {string} command @param {string[]} commandArgs @returns {Promise<number>} */
function run(command, commandArgs) {
  return new Promise((resolve) => {
    const child = spawn(command, commandArgs, { cwd: root, env, stdio: 'inherit' });
    child.on('exit', (code, signal) => resolve(code ?? (signal === null ? 0 : 1)));
  });
}

// The child gets Ctrl-C from the terminal itself, cleans up and exits; we wait for it.
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) process.on(signal, () => undefined);

if (!args.includes('--help')) {
  await installKafka({ log: (message) => console.log(`[soak] ${message}`) });
  await ensureDuckDBExtensions({ root, log: (message) => console.log(`[soak] ${message}`) });
  const built = await run('npx', ['nx', 'run-many', '-t', 'build', '--projects=ingest,stream-ingest,normalizer', '--outputStyle=stream']);
  if (built !== 0 || (await run('npx', ['nx', 'run', 'e2e:build-soak', '--outputStyle=stream'])) !== 0) {
    console.error('[soak] the build failed');
    process.exit(1);
  }
}
process.exit(await run(process.execPath, [join(root, 'dist', 'tools', 'soak', 'main.cjs'), ...args]));
