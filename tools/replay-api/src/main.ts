/**
 * Composition root of the replay server CLI: arguments → pino logger (JSON lines on stdout) →
 * server. Stops cleanly on SIGINT/SIGTERM, ending open SSE streams.
 */
import pino from 'pino';
import { USAGE, parseCliArgs, type CliConfig } from './cli/cli-args';
import { ReplayError } from './errors';
import { startReplayServer } from './server';

async function main(): Promise<void> {
  let config: CliConfig;
  try {
    config = parseCliArgs(process.argv.slice(2));
  } catch (error: unknown) {
    if (!(error instanceof ReplayError)) throw error;
    process.stderr.write(`replay-api: ${error.problems.length} problem(s) with the arguments:\n`);
    for (const problem of error.problems) process.stderr.write(`  - ${problem}\n`);
    process.stderr.write(`\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (config.help) {
    process.stdout.write(USAGE);
    return;
  }
  const logger = pino({ name: 'replay-api', level: config.logLevel });
  const server = await startReplayServer({ ...config.options, logger });
  const { endpoints } = server.state();
  logger.info(
    { url: server.url, endpoints: endpoints.map((e) => ({ url: `${server.url}${e.path}`, replays: e.realUrl, recorded: e.recorded })) },
    `replay server on ${server.url}`,
  );
  for (const e of endpoints) logger.info({ url: `${server.url}${e.path}`, replays: e.realUrl }, 'serving');
  logger.info({ url: `${server.url}/_replay/state` }, 'admin API under /_replay/ (state, reset, faults)');

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn({ signal }, 'second signal, exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'stopping');
    server.close().then(
      () => {
        process.exitCode = 0;
      },
      (error: unknown) => {
        logger.error({ err: error }, 'close failed');
        process.exitCode = 1;
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`replay-api: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
