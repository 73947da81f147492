// @ts-check
/** Where the local broker keeps its jars, data and logs. Everything lives under `<repo>/.fluxo/kafka` (git-ignored). */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TOOL_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_ROOT = resolve(TOOL_DIR, '..', '..');
export const POM_PATH = join(TOOL_DIR, 'pom.xml');
export const KAFKA_HOME = join(REPO_ROOT, '.fluxo', 'kafka');
export const LIB_DIR = join(KAFKA_HOME, 'lib');
/** Kafka 3.9 with ZooKeeper 3.8 (`--mode zookeeper`): its own pom and classpath. */
export const ZOOKEEPER_POM_PATH = join(TOOL_DIR, 'pom-zookeeper.xml');
export const ZOOKEEPER_LIB_DIR = join(KAFKA_HOME, 'lib-zookeeper');
export const DEFAULT_ZOOKEEPER_PORT = 2181;

/** @typedef {'kraft' | 'zookeeper'} BrokerMode */

/**
 * The pom and classpath directory of a mode.
 * @param {BrokerMode} mode
 */
export function modeFiles(mode) {
  return mode === 'zookeeper' ? { pomPath: ZOOKEEPER_POM_PATH, libDir: ZOOKEEPER_LIB_DIR } : { pomPath: POM_PATH, libDir: LIB_DIR };
}
export const DEFAULT_DATA_DIR = join(KAFKA_HOME, 'data');
export const DEFAULT_PORT = 9092;
export const DEFAULT_CONTROLLER_PORT = 9093;
/** Clients connect here; the broker binds loopback only. */
export const HOST = '127.0.0.1';

/**
 * @typedef {object} DataDirLayout
 * @property {string} dataDir
 * @property {string} serverProperties  broker configuration, rewritten on every start
 * @property {string} log4jConfig       log4j2 configuration, rewritten on every start
 * @property {string} clusterIdFile     KRaft cluster id, written once when storage is formatted
 * @property {string} pidFile           pid of the running broker JVM
 * @property {string} storageDir        Kafka `log.dirs` (topic data and the metadata log)
 * @property {string} logsDir           text logs
 * @property {string} consoleLog        JVM stdout/stderr: warnings, "started" lines, crashes
 * @property {string} serverLog         full INFO log written by log4j2 (rolled at 10 MB)
 * @property {string} modeFile          `kraft` or `zookeeper`: what the storage was made for
 * @property {string} log4jProperties   log4j 1 (reload4j) configuration for Kafka 3.9 and ZooKeeper
 * @property {string} zookeeperProperties
 * @property {string} zookeeperDir      ZooKeeper's `dataDir` (snapshots and transaction log)
 * @property {string} zookeeperPidFile
 * @property {string} zookeeperConsoleLog
 * @property {string} zookeeperLog       ZooKeeper's INFO log (rolled at 10 MB)
 * @property {string} zookeeperLog4jProperties
 */

/**
 * @param {string} dataDir
 * @returns {DataDirLayout}
 */
export function dataDirLayout(dataDir) {
  const root = resolve(dataDir);
  const logsDir = join(root, 'logs');
  return {
    dataDir: root,
    serverProperties: join(root, 'server.properties'),
    log4jConfig: join(root, 'log4j2.xml'),
    clusterIdFile: join(root, 'cluster.id'),
    pidFile: join(root, 'broker.pid'),
    storageDir: join(root, 'storage'),
    logsDir,
    consoleLog: join(logsDir, 'console.log'),
    serverLog: join(logsDir, 'server.log'),
    modeFile: join(root, 'mode'),
    log4jProperties: join(root, 'log4j.properties'),
    zookeeperProperties: join(root, 'zookeeper.properties'),
    zookeeperDir: join(root, 'zookeeper'),
    zookeeperPidFile: join(root, 'zookeeper.pid'),
    zookeeperConsoleLog: join(logsDir, 'zookeeper-console.log'),
    zookeeperLog: join(logsDir, 'zookeeper.log'),
    zookeeperLog4jProperties: join(root, 'log4j-zookeeper.properties'),
  };
}
