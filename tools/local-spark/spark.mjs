#!/usr/bin/env node
// @ts-check
/**
 * A real Spark Connect server (Spark in local mode, from the venv's pyspark) for development and tests.
 *
 *   node tools/local-spark/spark.mjs install
 *   node tools/local-spark/spark.mjs start [--port 15002] [--data-dir DIR] [--token T] [--conf k=v]... [--foreground]
 *   node tools/local-spark/spark.mjs stop [--data-dir DIR]
 *   node tools/local-spark/spark.mjs status [--data-dir DIR]
 */
import { parseArgs } from 'node:util';
import { DEFAULT_DATA_DIR, DEFAULT_PORT, installSpark, launchSpark, LocalSparkError, resolveDataDir, sparkStatus, stopSpark } from './server.mjs';
import { runAttached } from '../supervisor/os-process.mjs';

const USAGE = `Usage: node tools/local-spark/spark.mjs <command> [options]

Commands:
  install   make sure pyspark (with the Connect server) is in .fluxo/python and Java 17+ is there
  start     start the server, wait until it answers SELECT 1, print its sc:// address; detaches unless --foreground
  stop      stop the server of a data dir (SIGTERM, then SIGKILL after 30 s)
  status    say whether a server runs on a data dir, and its sc:// address

Options:
  --port N         gRPC port, default ${DEFAULT_PORT}
  --data-dir DIR   default .fluxo/spark/data in the repository
  --token T        bearer token clients must send, default a new random one per start
  --conf K=V       extra Spark setting, repeatable (e.g. --conf spark.driver.memory=2g)
  --foreground     stay attached; Ctrl-C stops the server
`;

/** @param {string} message */
const say = (message) => process.stderr.write(`[local-spark] ${message}\n`);

/** @param {string[] | undefined} entries */
function confOption(entries) {
  /** @type {Record<string, string>} */
  const conf = {};
  for (const entry of entries ?? []) {
    const equals = entry.indexOf('=');
    if (equals <= 0) throw new LocalSparkError(`--conf takes key=value, got "${entry}"`);
    conf[entry.slice(0, equals)] = entry.slice(equals + 1);
  }
  return conf;
}

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      token: { type: 'string' },
      conf: { type: 'string', multiple: true },
      foreground: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...extra] = positionals;
  if (values.help || command === undefined) {
    process.stdout.write(USAGE);
    return command === undefined && !values.help ? 1 : 0;
  }
  if (extra.length > 0) throw new LocalSparkError(`Unexpected arguments: ${extra.join(' ')}\n\n${USAGE}`);
  const dataDir = resolveDataDir(values['data-dir']);
  const flag = dataDir === DEFAULT_DATA_DIR ? '' : ` --data-dir ${dataDir}`;

  switch (command) {
    case 'install': {
      const installation = await installSpark({ log: say });
      say(`ready: ${installation.connectJar}`);
      return 0;
    }
    case 'start': {
      const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw new LocalSparkError(`--port must be a port number, got "${values.port}"`);
      const options = { port, dataDir, token: values.token, conf: confOption(values.conf), log: say };
      return values.foreground ? startForeground(options) : startDetached(options, flag);
    }
    case 'stop': {
      const outcome = await stopSpark({ dataDir, log: say });
      say(outcome === 'not-running' ? `no Spark server running on ${dataDir}` : `Spark ${outcome} (${dataDir})`);
      return 0;
    }
    case 'status': {
      const status = await sparkStatus({ dataDir });
      if (!status.running) {
        say(`not running (${dataDir})`);
        return 3;
      }
      say(`running (pid ${status.pid}, data ${status.dataDir}, logs ${status.logsDir})`);
      if (status.remote !== undefined) process.stdout.write(`${status.remote}\n`);
      return 0;
    }
    default:
      throw new LocalSparkError(`Unknown command "${command}"\n\n${USAGE}`);
  }
}

/** @param {import('./server.mjs').StartOptions} options @param {string} flag */
async function startDetached(options, flag) {
  const spark = await launchSpark(options);
  let readyAfterMs;
  try {
    readyAfterMs = await spark.ready;
  } catch (error) {
    await spark.stop();
    throw error;
  }
  say(`ready in ${(readyAfterMs / 1000).toFixed(1)} s (pid ${spark.pid}, logs ${spark.logsDir}); stop it with: npm run spark -- stop${flag}`);
  process.stdout.write(`${spark.remote}\n`);
  return 0;
}

/** @param {import('./server.mjs').StartOptions} options */
async function startForeground(options) {
  const spark = await launchSpark({ ...options, attach: true });
  return runAttached(spark, { name: 'Spark', address: spark.remote, say });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    if (error instanceof LocalSparkError) {
      say(error.message);
      process.exitCode = error.exitCode;
    } else {
      say(error instanceof Error ? (error.stack ?? error.message) : String(error));
      process.exitCode = 1;
    }
  },
);
