// @ts-check
/**
 * Programmatic API of the local single-node Kafka broker (KRaft), used by `kafka.mjs` and by test runners:
 *
 *   const broker = await startBroker({ port: 39092, controllerPort: 39093, dataDir: '/tmp/fluxo-kafka-test' });
 *   process.env.FLUXO_TEST_KAFKA_BROKERS = broker.brokers.join(',');
 *   … await broker.stop();
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { capture, javaCommand } from './src/exec.mjs';
import { LocalKafkaError } from './src/errors.mjs';
import { installKafka } from './src/install.mjs';
import { tail } from './src/logs.mjs';
import { DEFAULT_CONTROLLER_PORT, DEFAULT_DATA_DIR, DEFAULT_PORT, DEFAULT_ZOOKEEPER_PORT, HOST, LIB_DIR, dataDirLayout, modeFiles } from './src/paths.mjs';
import { DATA_DIR_PROPERTY, isBrokerAlive, readPid, removePid, terminate, writePid } from './src/process.mjs';
import { followExit, once } from '../supervisor/os-process.mjs';
import { chooseClusterId, renderLog4j2Config, renderLog4jProperties, renderServerProperties, renderZooKeeperBrokerProperties } from './src/properties.mjs';
import { isPortFree, waitUntilReady } from './src/readiness.mjs';
import { startZooKeeper, stopZooKeeper } from './src/zookeeper.mjs';

export { installKafka } from './src/install.mjs';
export { LocalKafkaError } from './src/errors.mjs';
export { DEFAULT_CONTROLLER_PORT, DEFAULT_DATA_DIR, DEFAULT_PORT, DEFAULT_ZOOKEEPER_PORT } from './src/paths.mjs';

const JVM_OPTIONS = ['-Xms256m', '-Xmx512m', '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-XX:+ExitOnOutOfMemoryError', '-Djava.awt.headless=true'];
const DEFAULT_READY_TIMEOUT_MS = 90_000;
const DEFAULT_GRACE_MS = 30_000;

/**
 * @typedef {object} StartOptions
 * @property {number} [port]            client (PLAINTEXT) port, default 9092
 * @property {'kraft' | 'zookeeper'} [mode]  `kraft` (default): Kafka 4.x, broker and controller in one JVM;
 *                                      `zookeeper`: Kafka 3.9 with a standalone ZooKeeper 3.8 JVM next to it
 * @property {number} [controllerPort]  KRaft controller port, default 9093 (kraft mode)
 * @property {number} [zookeeperPort]   ZooKeeper client port, default 2181 (zookeeper mode)
 * @property {string} [dataDir]         default `<repo>/.fluxo/kafka/data`
 * @property {number} [readyTimeoutMs]  default 90 000
 * @property {number} [graceMs]         how long `stop()` waits after SIGTERM before SIGKILL, default 30 000
 * @property {boolean} [attach]         keep the JVM attached to this process and copy its console to stdout
 *                                      (foreground mode); otherwise it is detached and outlives this process
 * @property {(message: string) => void} [log]  progress messages, default: none
 */

/**
 * @typedef {object} BrokerExit
 * @property {number | null} code
 * @property {NodeJS.Signals | null} signal
 */

/**
 * @typedef {object} RunningBroker
 * @property {string[]} brokers    bootstrap addresses for clients, e.g. ['127.0.0.1:9092']
 * @property {number} pid
 * @property {string} dataDir
 * @property {string} logsDir
 * @property {Promise<BrokerExit>} exited  settles when the JVM exits (only observable from the process that started it)
 * @property {() => Promise<void>} stop   graceful stop (SIGTERM, then SIGKILL after the grace period); idempotent
 */

/** @typedef {RunningBroker & { ready: Promise<number> }} LaunchedBroker  `ready` resolves with ms from launch to ready */

/**
 * Starts the broker and resolves once it answers a metadata request. Fails (and leaves nothing running)
 * when the data dir already has a live broker, a port is taken, or the broker is not ready in time.
 * @param {StartOptions} [options]
 * @returns {Promise<RunningBroker & { readyAfterMs: number }>}
 */
export async function startBroker(options = {}) {
  const broker = await launchBroker(options);
  try {
    const readyAfterMs = await broker.ready;
    return { ...broker, readyAfterMs };
  } catch (error) {
    await broker.stop();
    throw error;
  }
}

/**
 * Spawns the broker and returns at once; `ready` tells when it answers. For callers that must handle
 * signals while the broker boots (the CLI's foreground mode).
 * @param {StartOptions} [options]
 * @returns {Promise<LaunchedBroker>}
 */
export async function launchBroker(options = {}) {
  const port = options.port ?? DEFAULT_PORT;
  const mode = options.mode ?? 'kraft';
  const controllerPort = options.controllerPort ?? DEFAULT_CONTROLLER_PORT;
  const zookeeperPort = options.zookeeperPort ?? DEFAULT_ZOOKEEPER_PORT;
  const libDir = mode === 'zookeeper' ? modeFiles('zookeeper').libDir : LIB_DIR;
  const layout = dataDirLayout(options.dataDir ?? DEFAULT_DATA_DIR);
  const log = options.log ?? (() => undefined);
  const bootstrap = `${HOST}:${port}`;

  await mkdir(layout.logsDir, { recursive: true });
  const existing = readPid(layout.pidFile);
  if (existing !== undefined) {
    if (isBrokerAlive(existing, layout.dataDir)) {
      throw new LocalKafkaError(
        `A broker is already running on ${layout.dataDir} (pid ${existing}, ${await recordedBootstrap(layout.serverProperties)}). ` +
          `Stop it first: node tools/local-kafka/kafka.mjs stop --data-dir ${layout.dataDir}`,
      );
    }
    await removePid(layout.pidFile);
  }
  /** @type {Array<[string, number, string]>} */
  const listeners = [['client', port, '--port'], mode === 'zookeeper' ? ['ZooKeeper', zookeeperPort, '--zookeeper-port'] : ['controller', controllerPort, '--controller-port']];
  for (const [name, value, flag] of listeners) {
    if (!(await isPortFree(value, HOST))) {
      throw new LocalKafkaError(`Port ${value} (${name} listener) on ${HOST} is already in use by another process. Stop it or choose another port with ${flag}.`);
    }
  }

  await installKafka({ log, mode });
  await claimMode(layout, mode);
  /** @type {Awaited<ReturnType<typeof startZooKeeper>> | undefined} */
  let zookeeper;
  /** @type {string[]} */
  let logConfig;
  if (mode === 'zookeeper') {
    await writeFile(layout.serverProperties, renderZooKeeperBrokerProperties({ port, zookeeperPort, storageDir: layout.storageDir }));
    await writeFile(layout.log4jProperties, renderLog4jProperties({ file: layout.serverLog }));
    logConfig = [`-Dlog4j.configuration=file:${layout.log4jProperties}`];
    zookeeper = await startZooKeeper(layout, { zookeeperPort, libDir, attach: options.attach, graceMs: options.graceMs ?? DEFAULT_GRACE_MS, readyTimeoutMs: options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS, log });
    log(`ZooKeeper ready in ${(zookeeper.readyAfterMs / 1000).toFixed(1)} s`);
  } else {
    await writeFile(layout.serverProperties, renderServerProperties({ port, controllerPort, storageDir: layout.storageDir }));
    await writeFile(layout.log4jConfig, renderLog4j2Config(layout));
    logConfig = [`-Dlog4j2.configurationFile=${layout.log4jConfig}`];
    await formatStorageOnce(layout, log);
  }

  const launchedAt = Date.now();
  const consoleFile = createWriteStream(layout.consoleLog, { flags: 'w' });
  await new Promise((resolveOpen) => consoleFile.once('open', resolveOpen));
  const args = [...JVM_OPTIONS, `-D${DATA_DIR_PROPERTY}=${layout.dataDir}`, ...logConfig, '-cp', join(libDir, '*'), 'kafka.Kafka', layout.serverProperties];
  const child = options.attach
    ? spawn(javaCommand(), args, { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(javaCommand(), args, { stdio: ['ignore', consoleFile, consoleFile], detached: true });
  if (child.pid === undefined) {
    await zookeeper?.stop();
    throw new LocalKafkaError(`Could not start ${javaCommand()}: ${await new Promise((r) => child.once('error', (e) => r(e.message)))}`);
  }
  const pid = child.pid;
  if (options.attach) {
    child.stdout?.on('data', (chunk) => { consoleFile.write(chunk); process.stdout.write(chunk); });
    child.stderr?.on('data', (chunk) => { consoleFile.write(chunk); process.stderr.write(chunk); });
  } else {
    child.unref();
    consoleFile.end();
  }
  await writePid(layout.pidFile, pid);
  log(`broker starting (pid ${pid}, ${bootstrap}, data ${layout.dataDir})`);

  const { exited, gaveUp } = followExit(child, 'the broker', () => {
    if (options.attach) consoleFile.end();
    if (readPid(layout.pidFile) === pid) void removePid(layout.pidFile);
  });
  const stop = once(async () => {
    const outcome = await terminate(pid, layout.dataDir, { graceMs: options.graceMs ?? DEFAULT_GRACE_MS, log });
    if (readPid(layout.pidFile) === pid) await removePid(layout.pidFile);
    log(outcome === 'killed' ? `broker (pid ${pid}) killed` : `broker (pid ${pid}) stopped`);
    // ZooKeeper goes last: the broker deregisters through it while shutting down.
    if (zookeeper !== undefined) log(`ZooKeeper (pid ${zookeeper.pid}) ${await zookeeper.stop()}`);
  });

  const ready = waitUntilReady(bootstrap, {
    timeoutMs: options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS,
    gaveUp,
  }).then(
    () => Date.now() - launchedAt,
    (error) => {
      throw new LocalKafkaError(`Kafka did not start: ${error instanceof Error ? error.message : String(error)}.\n${describeLogs(layout)}`);
    },
  );
  // A caller that never awaits `ready` (it only wants `exited`) must not crash on an unhandled rejection.
  ready.catch(() => undefined);

  return { brokers: [bootstrap], pid, dataDir: layout.dataDir, logsDir: layout.logsDir, exited, stop, ready };
}

/**
 * Stops the broker recorded in the data dir's pid file. Idempotent.
 * @param {{ dataDir?: string, graceMs?: number, log?: (message: string) => void }} [options]
 * @returns {Promise<'stopped' | 'killed' | 'not-running'>}
 */
export async function stopBroker(options = {}) {
  const layout = dataDirLayout(options.dataDir ?? DEFAULT_DATA_DIR);
  const pid = readPid(layout.pidFile);
  const outcome = pid === undefined ? 'not-running' : await terminate(pid, layout.dataDir, { graceMs: options.graceMs ?? DEFAULT_GRACE_MS, log: options.log });
  if (pid !== undefined) await removePid(layout.pidFile);
  const zookeeper = await stopZooKeeper(layout, { graceMs: options.graceMs ?? DEFAULT_GRACE_MS, log: options.log });
  return outcome === 'not-running' ? zookeeper : outcome;
}

/**
 * @typedef {object} BrokerStatus
 * @property {boolean} running
 * @property {number} [pid]
 * @property {string} [bootstrap]  from the data dir's server.properties
 * @property {'kraft' | 'zookeeper'} [mode]  what the data dir was started as
 * @property {number} [zookeeperPid]  zookeeper mode: the ZooKeeper JVM, when alive
 * @property {string} dataDir
 * @property {string} logsDir
 */

/**
 * Whether a broker runs on the data dir (by pid file and process check; it does not contact Kafka).
 * @param {{ dataDir?: string }} [options]
 * @returns {Promise<BrokerStatus>}
 */
export async function brokerStatus(options = {}) {
  const layout = dataDirLayout(options.dataDir ?? DEFAULT_DATA_DIR);
  const pid = readPid(layout.pidFile);
  const running = pid !== undefined && isBrokerAlive(pid, layout.dataDir);
  const bootstrap = running ? await recordedBootstrap(layout.serverProperties) : undefined;
  const mode = existsSync(layout.modeFile) && (await readFile(layout.modeFile, 'utf8')).trim() === 'zookeeper' ? 'zookeeper' : 'kraft';
  const zookeeperPid = readPid(layout.zookeeperPidFile);
  const zookeeperAlive = zookeeperPid !== undefined && isBrokerAlive(zookeeperPid, layout.dataDir);
  return { running, pid: running ? pid : undefined, bootstrap, mode, zookeeperPid: zookeeperAlive ? zookeeperPid : undefined, dataDir: layout.dataDir, logsDir: layout.logsDir };
}

/**
 * Formats KRaft storage on first start only; the cluster id is kept in `cluster.id` next to it.
 * @param {import('./src/paths.mjs').DataDirLayout} layout
 * @param {(message: string) => void} log
 */
async function formatStorageOnce(layout, log) {
  if (existsSync(join(layout.storageDir, 'meta.properties'))) return;
  const saved = existsSync(layout.clusterIdFile) ? await readFile(layout.clusterIdFile, 'utf8') : undefined;
  const { id: clusterId, repaired } = chooseClusterId(saved);
  if (repaired) log(`the saved cluster id ${JSON.stringify(saved?.trim())} cannot be formatted (it must be 22 URL-safe base64 characters, not starting with "-"); using a new one`);
  await writeFile(layout.clusterIdFile, `${clusterId}\n`);
  log(`formatting storage in ${layout.storageDir} (cluster id ${clusterId})`);
  const result = await capture(javaCommand(), [
    `-Dlog4j2.configurationFile=${layout.log4jConfig}`,
    '-cp',
    join(LIB_DIR, '*'),
    'kafka.tools.StorageTool',
    'format',
    '-t',
    clusterId,
    '-c',
    layout.serverProperties,
    '--ignore-formatted',
  ]);
  if (result.code !== 0) throw new LocalKafkaError(`Formatting Kafka storage failed (exit ${result.code}):\n${result.output.trim()}`);
}

/**
 * A data dir holds storage of one mode: KRaft metadata and ZooKeeper-mode logs are not interchangeable.
 * The first start records the mode; a start in the other mode is refused with the fix.
 * @param {import('./src/paths.mjs').DataDirLayout} layout
 * @param {'kraft' | 'zookeeper'} mode
 */
async function claimMode(layout, mode) {
  const recorded = existsSync(layout.modeFile) ? (await readFile(layout.modeFile, 'utf8')).trim() : existsSync(layout.storageDir) ? 'kraft' : undefined;
  if (recorded !== undefined && recorded !== mode) {
    throw new LocalKafkaError(`${layout.dataDir} holds a ${recorded}-mode broker's data; use another --data-dir for ${mode} mode (or delete this one).`);
  }
  await writeFile(layout.modeFile, `${mode}\n`);
}

/** @param {string} serverProperties */
async function recordedBootstrap(serverProperties) {
  if (!existsSync(serverProperties)) return 'address unknown';
  const text = await readFile(serverProperties, 'utf8');
  return /^advertised\.listeners=PLAINTEXT:\/\/(.+)$/m.exec(text)?.[1] ?? 'address unknown';
}

/** @param {import('./src/paths.mjs').DataDirLayout} layout */
function describeLogs(layout) {
  const consoleTail = tail(layout.consoleLog, 30);
  const serverTail = tail(layout.serverLog, 30);
  return [
    consoleTail ? `--- last lines of ${layout.consoleLog} ---\n${consoleTail}` : `(${layout.consoleLog} is empty)`,
    serverTail ? `--- last lines of ${layout.serverLog} ---\n${serverTail}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

/** Resolves a user-supplied data dir against the current directory. */
export function resolveDataDir(/** @type {string | undefined} */ dataDir) {
  return dataDir === undefined ? DEFAULT_DATA_DIR : resolve(dataDir);
}
