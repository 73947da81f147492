#!/usr/bin/env node
// @ts-check
/**
 * A real local S3-compatible server (Versity S3 Gateway, Apache-2.0) for the lake on object storage:
 *
 *   node tools/local-s3/s3.mjs install               build it once per machine into .fluxo/s3/bin/<version> (needs Go)
 *   node tools/local-s3/s3.mjs start [--port 7070] [--data-dir .fluxo/s3/data] [--bucket NAME]
 *   node tools/local-s3/s3.mjs stop|status [--data-dir DIR]
 */
import { parseArgs } from 'node:util';
import { createBucket, DEFAULT_DATA_DIR, DEFAULT_PORT, installS3, LocalS3Error, resolveDataDir, s3Status, startS3, stopS3 } from './server.mjs';

const USAGE = `Usage: node tools/local-s3/s3.mjs <command> [options]

Commands:
  install  build the Versity S3 Gateway once per machine (go install, several minutes; needs Go 1.25+)
  start    start the gateway (detached) on a posix directory, wait until ListBuckets answers, print the
           endpoint; credentials (random per start) are in <data-dir>/credentials.json (mode 0600)
  stop     stop the gateway of a data dir; nothing if none runs
  status   whether a gateway runs on a data dir, and its endpoint (exit 3 when not running)

Options:
  --port N        TCP port on 127.0.0.1, default ${DEFAULT_PORT} (start only)
  --data-dir DIR  default .fluxo/s3/data in the repository; objects are files under DIR/objects/<bucket>/
  --bucket NAME   create this bucket after start (start only)
`;

/** @param {string} message */
const say = (message) => process.stderr.write(`[local-s3] ${message}\n`);

/** @param {string[]} args @returns {Promise<number>} */
async function main(args) {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { port: { type: 'string' }, 'data-dir': { type: 'string' }, bucket: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
  });
  const [command, ...extra] = positionals;
  if (values.help || command === undefined) {
    process.stdout.write(USAGE);
    return values.help ? 0 : 1;
  }
  if (extra.length > 0) throw new LocalS3Error(`Unexpected arguments: ${extra.join(' ')}\n\n${USAGE}`);
  const dataDir = resolveDataDir(values['data-dir']);
  const flag = dataDir === DEFAULT_DATA_DIR ? '' : ` --data-dir ${dataDir}`;
  switch (command) {
    case 'install': {
      const installation = await installS3({ log: say });
      say(`ready: ${installation.binary} (${installation.version}${installation.built ? `, built in ${(installation.tookMs / 1000).toFixed(0)} s` : ', already built'})`);
      return 0;
    }
    case 'start': {
      const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw new LocalS3Error(`--port must be a port number, got "${values.port}"`);
      const s3 = await startS3({ port, dataDir, log: say });
      if (values.bucket !== undefined) await createBucket(s3, values.bucket);
      say(`ready in ${(s3.readyAfterMs / 1000).toFixed(1)} s (pid ${s3.pid}, objects ${s3.objectsDir}, log ${s3.logFile}, credentials ${dataDir}/credentials.json); stop it with: node tools/local-s3/s3.mjs stop${flag}`);
      process.stdout.write(`${s3.endpoint}\n`);
      return 0;
    }
    case 'stop': {
      const outcome = await stopS3({ dataDir, log: say });
      say(outcome === 'not-running' ? `no S3 server running on ${dataDir}` : `S3 server ${outcome} (${dataDir})`);
      return 0;
    }
    case 'status': {
      const status = s3Status({ dataDir });
      if (!status.running) {
        say(`not running (${dataDir})`);
        return 3;
      }
      say(`running (pid ${status.pid}, objects ${status.objectsDir}, log ${status.logFile}, credentials ${dataDir}/credentials.json)`);
      if (status.credentials !== undefined) process.stdout.write(`${status.credentials.endpoint}\n`);
      return 0;
    }
    default:
      throw new LocalS3Error(`Unknown command "${command}"\n\n${USAGE}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    if (error instanceof LocalS3Error) {
      say(error.message);
      process.exitCode = error.exitCode;
    } else {
      say(error instanceof Error ? (error.stack ?? error.message) : String(error));
      process.exitCode = 1;
    }
  },
);
