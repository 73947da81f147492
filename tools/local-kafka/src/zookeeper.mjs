// @ts-check
/**
 * ZooKeeper for `--mode zookeeper`: a standalone ZooKeeper 3.8 JVM (QuorumPeerMain, from the Kafka 3.9
 * classpath) started before the broker and stopped after it. Ready when it answers `srvr`.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { javaCommand } from './exec.mjs';
import { LocalKafkaError } from './errors.mjs';
import { tail } from './logs.mjs';
import { HOST } from './paths.mjs';
import { DATA_DIR_PROPERTY, isBrokerAlive, readPid, removePid, terminate, writePid } from './process.mjs';
import { renderLog4jProperties, renderZooKeeperProperties } from './properties.mjs';

const JVM_OPTIONS = ['-Xms64m', '-Xmx256m', '-XX:+ExitOnOutOfMemoryError', '-Djava.awt.headless=true'];

/**
 * @typedef {object} RunningZooKeeper
 * @property {number} pid
 * @property {number} readyAfterMs
 * @property {() => Promise<'stopped' | 'killed' | 'not-running'>} stop
 */

/**
 * Starts ZooKeeper and waits until it answers, or fails leaving nothing running.
 * @param {import('./paths.mjs').DataDirLayout} layout
 * @param {{ zookeeperPort: number, libDir: string, attach?: boolean, graceMs: number, readyTimeoutMs: number, log: (message: string) => void }} options
 * @returns {Promise<RunningZooKeeper>}
 */
export async function startZooKeeper(layout, options) {
  const existing = readPid(layout.zookeeperPidFile);
  if (existing !== undefined && isBrokerAlive(existing, layout.dataDir)) {
    throw new LocalKafkaError(`ZooKeeper is already running on ${layout.dataDir} (pid ${existing}). Stop it first: node tools/local-kafka/kafka.mjs stop --data-dir ${layout.dataDir}`);
  }
  await writeFile(layout.zookeeperProperties, renderZooKeeperProperties({ zookeeperPort: options.zookeeperPort, zookeeperDir: layout.zookeeperDir }));
  await writeFile(layout.zookeeperLog4jProperties, renderLog4jProperties({ file: layout.zookeeperLog }));

  const launchedAt = Date.now();
  const consoleFile = createWriteStream(layout.zookeeperConsoleLog, { flags: 'w' });
  await new Promise((resolveOpen) => consoleFile.once('open', resolveOpen));
  const args = [
    ...JVM_OPTIONS,
    `-D${DATA_DIR_PROPERTY}=${layout.dataDir}`,
    `-Dlog4j.configuration=file:${layout.zookeeperLog4jProperties}`,
    '-cp',
    join(options.libDir, '*'),
    'org.apache.zookeeper.server.quorum.QuorumPeerMain',
    layout.zookeeperProperties,
  ];
  const child = options.attach
    ? spawn(javaCommand(), args, { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(javaCommand(), args, { stdio: ['ignore', consoleFile, consoleFile], detached: true });
  if (child.pid === undefined) throw new LocalKafkaError(`Could not start ZooKeeper with ${javaCommand()}`);
  const pid = child.pid;
  if (options.attach) {
    child.stdout?.on('data', (chunk) => consoleFile.write(chunk));
    child.stderr?.on('data', (chunk) => consoleFile.write(chunk));
    child.once('exit', () => consoleFile.end());
  } else {
    child.unref();
    consoleFile.end();
  }
  await writePid(layout.zookeeperPidFile, pid);
  options.log(`ZooKeeper starting (pid ${pid}, ${HOST}:${options.zookeeperPort})`);
  /** @type {number | null | undefined} */
  let exitCode;
  child.once('exit', (code) => {
    exitCode = code;
  });

  const stop = async () => {
    const outcome = await terminate(pid, layout.dataDir, { graceMs: options.graceMs, log: options.log });
    if (readPid(layout.zookeeperPidFile) === pid) await removePid(layout.zookeeperPidFile);
    return outcome;
  };
  const deadline = Date.now() + options.readyTimeoutMs;
  while (!(await answersSrvr(options.zookeeperPort))) {
    if (exitCode !== undefined || Date.now() > deadline) {
      await stop();
      const why = exitCode !== undefined ? `it exited (code ${exitCode})` : `it did not answer within ${Math.round(options.readyTimeoutMs / 1000)} s`;
      throw new LocalKafkaError(`ZooKeeper did not start: ${why}.\n--- ${layout.zookeeperConsoleLog} ---\n${tail(layout.zookeeperConsoleLog, 30)}\n--- ${layout.zookeeperLog} ---\n${tail(layout.zookeeperLog, 30)}`);
    }
    await sleep(200);
  }
  return { pid, readyAfterMs: Date.now() - launchedAt, stop };
}

/**
 * Stops the ZooKeeper recorded in the data dir, if any. Idempotent.
 * @param {import('./paths.mjs').DataDirLayout} layout
 * @param {{ graceMs: number, log?: (message: string) => void }} options
 */
export async function stopZooKeeper(layout, options) {
  const pid = readPid(layout.zookeeperPidFile);
  if (pid === undefined) return 'not-running';
  const outcome = await terminate(pid, layout.dataDir, options);
  await removePid(layout.zookeeperPidFile);
  return outcome;
}

/**
 * True when ZooKeeper answers the `srvr` four-letter command as a serving standalone server.
 * @param {number} port
 * @returns {Promise<boolean>}
 */
export function answersSrvr(port) {
  return new Promise((resolve) => {
    const socket = connect({ host: HOST, port });
    let text = '';
    socket.setTimeout(2_000, () => socket.destroy());
    socket.on('connect', () => socket.write('srvr'));
    socket.on('data', (chunk) => {
      text += chunk.toString('utf8');
    });
    socket.on('error', () => resolve(false));
    socket.on('close', () => resolve(/Mode: standalone/.test(text)));
  });
}
