// @ts-check
/** `node tools/local-postgres/postgres.mjs start|stop|status [--port N] [--data-dir DIR]` */
import { parseArgs } from 'node:util';
import { LocalPostgresError } from './errors.mjs';
import { DEFAULT_DATA_DIR, DEFAULT_PORT } from './paths.mjs';
import { postgresStatus, resolveDataDir, startPostgres, stopPostgres } from './server.mjs';

const USAGE = `Usage: node tools/local-postgres/postgres.mjs <command> [options]

Commands:
  start    initialise the data dir if empty, start PostgreSQL (detached), create database fluxo,
           wait until a query succeeds, print the libpq connection string
  stop     stop the server of a data dir (fast shutdown; forced after 30 s); nothing if none runs
  status   say whether a server runs on a data dir, and how to connect (exit 3 when not running)

Options:
  --port N        TCP port on 127.0.0.1, default ${DEFAULT_PORT} (start only)
  --data-dir DIR  the cluster directory, default .fluxo/postgres in the repository
`;

/** @param {string} message */
const say = (message) => process.stderr.write(`[local-postgres] ${message}\n`);

/**
 * @param {string | undefined} text
 * @returns {number}
 */
function portOption(text) {
  if (text === undefined) return DEFAULT_PORT;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new LocalPostgresError('USAGE', `--port must be a port number, got "${text}"`);
  return port;
}

/**
 * @param {string[]} args
 * @returns {Promise<number>} the exit code
 */
async function main(args) {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...extra] = positionals;
  if (values.help || command === undefined) {
    process.stdout.write(USAGE);
    return values.help ? 0 : 1;
  }
  if (extra.length > 0) throw new LocalPostgresError('USAGE', `Unexpected arguments: ${extra.join(' ')}\n\n${USAGE}`);
  const dataDir = resolveDataDir(values['data-dir']);
  const dataDirFlag = dataDir === DEFAULT_DATA_DIR ? '' : ` --data-dir ${dataDir}`;

  switch (command) {
    case 'start': {
      const startedAt = Date.now();
      const server = await startPostgres({ port: portOption(values.port), dataDir, log: say });
      say(
        `ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s (server up after ${(server.readyAfterMs / 1000).toFixed(1)} s; pid ${server.pid}, ` +
          `${server.url}, log ${server.logFile}); stop it with: node tools/local-postgres/postgres.mjs stop${dataDirFlag}`,
      );
      process.stdout.write(`${server.connectionString}\n`);
      return 0;
    }
    case 'stop': {
      const outcome = await stopPostgres({ dataDir, log: say });
      say(outcome === 'not-running' ? `no server running on ${dataDir}` : `server ${outcome === 'killed' ? 'shut down by force' : 'stopped'} (${dataDir})`);
      return 0;
    }
    case 'status': {
      const status = postgresStatus({ dataDir });
      if (!status.running) {
        process.stdout.write(`not running (data dir ${status.dataDir})\n`);
        return 3;
      }
      const connection = status.connection ? `${status.connection.connectionString} (${status.connection.url})` : 'port unknown';
      process.stdout.write(`running: pid ${status.pid}, ${status.state ?? 'state unknown'}, ${connection}, data ${status.dataDir}, log ${status.logFile}\n`);
      return 0;
    }
    default:
      throw new LocalPostgresError('USAGE', `Unknown command "${command}".\n\n${USAGE}`);
  }
}

/**
 * Runs the CLI and sets the process exit code; known failures print one message, others their stack.
 * @param {string[]} args
 */
export function runCli(args) {
  main(args).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      if (error instanceof LocalPostgresError) {
        say(error.message);
        process.exitCode = error.exitCode;
      } else {
        say(error instanceof Error ? (error.stack ?? error.message) : String(error));
        process.exitCode = 1;
      }
    },
  );
}
