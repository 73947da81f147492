#!/usr/bin/env node
// @ts-check
/**
 * A real single-node Apache Kafka (KRaft) for development and tests, from Maven Central jars.
 *
 *   node tools/local-kafka/kafka.mjs install [--mode kraft|zookeeper]
 *   node tools/local-kafka/kafka.mjs start [--mode kraft|zookeeper] [--port 9092] [--controller-port 9093] [--zookeeper-port 2181] [--data-dir DIR] [--foreground]
 *   node tools/local-kafka/kafka.mjs stop [--data-dir DIR]
 *   node tools/local-kafka/kafka.mjs status [--data-dir DIR]
 */
import { parseArgs } from 'node:util';
import { brokerStatus, installKafka, launchBroker, LocalKafkaError, resolveDataDir, stopBroker } from './broker.mjs';
import { DEFAULT_CONTROLLER_PORT, DEFAULT_DATA_DIR, DEFAULT_PORT, DEFAULT_ZOOKEEPER_PORT } from './src/paths.mjs';
import { runAttached } from '../supervisor/os-process.mjs';

const USAGE = `Usage: node tools/local-kafka/kafka.mjs <command> [options]

Commands:
  install   fetch the broker jars from Maven Central into .fluxo/kafka/lib (once per pom.xml)
  start     start the broker and wait until it answers; detaches unless --foreground
  stop      stop the broker of a data dir (SIGTERM, then SIGKILL after 30 s)
  status    say whether a broker runs on a data dir, and where

Options:
  --port N             client listener, default ${DEFAULT_PORT}
  --mode M             kraft (default: Kafka 4.4, KRaft) or zookeeper (Kafka 3.9 with ZooKeeper 3.8)
  --controller-port N  KRaft controller listener, default ${DEFAULT_CONTROLLER_PORT} (kraft mode)
  --zookeeper-port N   ZooKeeper client port, default ${DEFAULT_ZOOKEEPER_PORT} (zookeeper mode)
  --data-dir DIR       default .fluxo/kafka/data in the repository
  --foreground         stay attached; Ctrl-C stops the broker
`;

/** @param {string} message */
const say = (message) => process.stderr.write(`[local-kafka] ${message}\n`);

/**
 * @param {string | undefined} text
 * @param {number} fallback
 * @param {string} flag
 */
function portOption(text, fallback, flag) {
  if (text === undefined) return fallback;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new LocalKafkaError(`${flag} must be a port number, got "${text}"`);
  return port;
}

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      'controller-port': { type: 'string' },
      'zookeeper-port': { type: 'string' },
      mode: { type: 'string', default: 'kraft' },
      'data-dir': { type: 'string' },
      foreground: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...extra] = positionals;
  if (values.help || command === undefined) {
    process.stdout.write(USAGE);
    return command === undefined && !values.help ? 1 : 0;
  }
  if (extra.length > 0) throw new LocalKafkaError(`Unexpected arguments: ${extra.join(' ')}\n\n${USAGE}`);
  const dataDir = resolveDataDir(values['data-dir']);
  const mode = values.mode === 'zookeeper' ? 'zookeeper' : 'kraft';
  if (values.mode !== mode) throw new LocalKafkaError(`--mode must be kraft or zookeeper, got "${values.mode}"`);

  switch (command) {
    case 'install': {
      const { libDir, changed } = await installKafka({ log: say, mode });
      say(changed ? `installed the broker jars in ${libDir}` : `already installed in ${libDir}`);
      return 0;
    }
    case 'start': {
      const port = portOption(values.port, DEFAULT_PORT, '--port');
      const controllerPort = portOption(values['controller-port'], DEFAULT_CONTROLLER_PORT, '--controller-port');
      const zookeeperPort = portOption(values['zookeeper-port'], DEFAULT_ZOOKEEPER_PORT, '--zookeeper-port');
      /** @type {import('./broker.mjs').StartOptions & { dataDir: string }} */
      const options = { mode, port, controllerPort, zookeeperPort, dataDir };
      return values.foreground ? startForeground(options) : startDetached(options);
    }
    case 'stop': {
      const outcome = await stopBroker({ dataDir, log: say });
      say(outcome === 'not-running' ? `no broker running on ${dataDir}` : `broker ${outcome} (${dataDir})`);
      return 0;
    }
    case 'status': {
      const status = await brokerStatus({ dataDir });
      if (status.running) {
        const zookeeper = status.zookeeperPid === undefined ? '' : `, ZooKeeper pid ${status.zookeeperPid}`;
        process.stdout.write(`running: ${status.mode} mode, pid ${status.pid}${zookeeper}, bootstrap ${status.bootstrap}, data ${status.dataDir}, logs ${status.logsDir}\n`);
        return 0;
      }
      process.stdout.write(`not running (data dir ${status.dataDir})\n`);
      return 3;
    }
    default:
      throw new LocalKafkaError(`Unknown command "${command}".\n\n${USAGE}`);
  }
}

/** @param {string} dataDir */
const dataDirFlag = (dataDir) => (dataDir === DEFAULT_DATA_DIR ? '' : ` --data-dir ${dataDir}`);

/** @param {import('./broker.mjs').StartOptions & { dataDir: string }} options */
async function startDetached(options) {
  const broker = await launchBroker({ ...options, log: say });
  let readyAfterMs;
  try {
    readyAfterMs = await broker.ready;
  } catch (error) {
    await broker.stop();
    throw error;
  }
  say(`ready in ${(readyAfterMs / 1000).toFixed(1)} s (pid ${broker.pid}, logs ${broker.logsDir}); stop it with: npm run kafka -- stop${dataDirFlag(options.dataDir)}`);
  process.stdout.write(`${broker.brokers.join(',')}\n`);
  return 0;
}

/**
 * Stays attached: SIGINT/SIGTERM stop the broker (a second one kills it), and we exit when it exits.
 * @param {import('./broker.mjs').StartOptions} options
 */
async function startForeground(options) {
  const broker = await launchBroker({ ...options, attach: true, log: say });
  return runAttached(broker, { name: 'the broker', address: broker.brokers.join(','), say });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    if (error instanceof LocalKafkaError) {
      say(error.message);
      process.exitCode = error.exitCode;
    } else {
      say(error instanceof Error ? (error.stack ?? error.message) : String(error));
      process.exitCode = 1;
    }
  },
);
