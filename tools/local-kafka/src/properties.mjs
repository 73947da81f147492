// @ts-check
/** Renders the broker's configuration files. Pure functions: no I/O here. */
import { randomBytes } from 'node:crypto';
import { HOST } from './paths.mjs';

/**
 * @typedef {object} BrokerConfig
 * @property {number} port            PLAINTEXT listener for clients
 * @property {number} controllerPort  KRaft controller listener (never give this to clients)
 * @property {string} storageDir      Kafka `log.dirs`
 */

/**
 * A KRaft cluster id: 16 random bytes, URL-safe base64 without padding (what `kafka-storage random-uuid` prints).
 * About 1 in 64 such strings starts with `-`, which the storage tool's command line reads as an
 * option: those are drawn again, as Kafka's own `Uuid.randomUuid()` does.
 * @param {() => Buffer} [random] 16 random bytes per call (injectable for tests)
 * @returns {string}
 */
export function newClusterId(random = () => randomBytes(16)) {
  for (;;) {
    const id = random().toString('base64url');
    if (isUsableClusterId(id)) return id;
  }
}

/**
 * Whether a cluster id can be given to `kafka-storage format -t`: 22 URL-safe base64 characters, not starting with `-`.
 * @param {string} id
 */
export function isUsableClusterId(id) {
  return /^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/.test(id);
}

/**
 * The cluster id to format with: the saved one when usable, otherwise a new one — so an unusable
 * id saved by an earlier run (formatting failed, and kept failing) is repaired.
 * @param {string | undefined} saved the content of `cluster.id`, if any
 * @param {() => string} [generate]
 * @returns {{ id: string, repaired: boolean }}
 */
export function chooseClusterId(saved, generate = () => newClusterId()) {
  const trimmed = saved?.trim();
  if (trimmed !== undefined && isUsableClusterId(trimmed)) return { id: trimmed, repaired: false };
  return { id: generate(), repaired: trimmed !== undefined };
}

/**
 * Single-node KRaft: one process is both broker and controller, with a static one-voter quorum.
 * Internal topics get replication factor 1, or transactions and share groups never find a coordinator.
 * @param {BrokerConfig} config
 * @returns {string}
 */
export function renderServerProperties({ port, controllerPort, storageDir }) {
  /** @type {Array<[string, string | number]>} */
  const entries = [
    ['process.roles', 'broker,controller'],
    ['node.id', 1],
    ['controller.quorum.voters', `1@${HOST}:${controllerPort}`],
    ['listeners', `PLAINTEXT://${HOST}:${port},CONTROLLER://${HOST}:${controllerPort}`],
    ['advertised.listeners', `PLAINTEXT://${HOST}:${port}`],
    ['controller.listener.names', 'CONTROLLER'],
    ['listener.security.protocol.map', 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT'],
    ['inter.broker.listener.name', 'PLAINTEXT'],
    ['log.dirs', storageDir],
    ['num.partitions', 1],
    ['default.replication.factor', 1],
    ['offsets.topic.replication.factor', 1],
    ['offsets.topic.num.partitions', 10],
    ['transaction.state.log.replication.factor', 1],
    ['transaction.state.log.min.isr', 1],
    ['share.coordinator.state.topic.replication.factor', 1],
    ['share.coordinator.state.topic.min.isr', 1],
    ['group.initial.rebalance.delay.ms', 0],
    // Tests create and delete many topics; keep a dev machine's disk small.
    ['auto.create.topics.enable', 'false'],
    ['delete.topic.enable', 'true'],
    ['log.retention.hours', 24],
    ['log.segment.bytes', 64 * 1024 * 1024],
  ];
  const body = entries.map(([key, value]) => `${key}=${escapeValue(String(value))}`).join('\n');
  return `# Written by tools/local-kafka on every start; edits are overwritten.\n${body}\n`;
}

/** INFO lines that still reach the console: the broker started, and it stopped. */
const LIFECYCLE_PATTERN = '.*(Kafka Server started|Transition from STARTED to SHUTTING_DOWN|\\[BrokerServer id=\\d+\\] shut down completed).*';

/**
 * log4j2 XML (the properties format cannot combine filters on one appender).
 * Console: warnings and errors from everything, plus the INFO lines that say the broker started or stopped.
 * File (`logs/server.log`): INFO from everything, rolled at 10 MB, for post-mortems.
 * log4j's own shutdown hook is off so Kafka can log its whole shutdown.
 * @param {{ serverLog: string }} paths
 * @returns {string}
 */
export function renderLog4j2Config({ serverLog }) {
  const file = escapeXml(serverLog);
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by tools/local-kafka on every start; edits are overwritten. -->
<Configuration status="warn" shutdownHook="disable">
  <Appenders>
    <Console name="console" target="SYSTEM_OUT">
      <PatternLayout pattern="[kafka %d{HH:mm:ss.SSS}] %-5p %m (%c{1})%n"/>
      <Filters>
        <ThresholdFilter level="warn" onMatch="ACCEPT" onMismatch="NEUTRAL"/>
        <RegexFilter regex="${escapeXml(LIFECYCLE_PATTERN)}" onMatch="ACCEPT" onMismatch="DENY"/>
      </Filters>
    </Console>
    <RollingFile name="file" fileName="${file}" filePattern="${file}.%i">
      <PatternLayout pattern="[%d{ISO8601}] %-5p %m (%c)%n"/>
      <Policies><SizeBasedTriggeringPolicy size="10MB"/></Policies>
      <DefaultRolloverStrategy max="2"/>
    </RollingFile>
  </Appenders>
  <Loggers>
    <Logger name="kafka.request.logger" level="warn"/>
    <Root level="info">
      <AppenderRef ref="console"/>
      <AppenderRef ref="file"/>
    </Root>
  </Loggers>
</Configuration>
`;
}

/** @param {string} value */
function escapeXml(value) {
  return value.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/**
 * Java properties treat `\` as an escape character; paths on Windows would need it doubled.
 * @param {string} value
 */
function escapeValue(value) {
  return value.replaceAll('\\', '\\\\');
}

/**
 * Kafka 3.9 as a ZooKeeper-mode broker: `broker.id` instead of KRaft roles, `zookeeper.connect`
 * instead of a controller quorum; the same listener and internal-topic settings as KRaft mode.
 * @param {{ port: number, zookeeperPort: number, storageDir: string }} config
 * @returns {string}
 */
export function renderZooKeeperBrokerProperties({ port, zookeeperPort, storageDir }) {
  /** @type {Array<[string, string | number]>} */
  const entries = [
    ['broker.id', 1],
    ['zookeeper.connect', `${HOST}:${zookeeperPort}`],
    ['zookeeper.connection.timeout.ms', 30_000],
    ['listeners', `PLAINTEXT://${HOST}:${port}`],
    ['advertised.listeners', `PLAINTEXT://${HOST}:${port}`],
    ['log.dirs', storageDir],
    ['num.partitions', 1],
    ['default.replication.factor', 1],
    ['offsets.topic.replication.factor', 1],
    ['offsets.topic.num.partitions', 10],
    ['transaction.state.log.replication.factor', 1],
    ['transaction.state.log.min.isr', 1],
    ['group.initial.rebalance.delay.ms', 0],
    ['auto.create.topics.enable', 'false'],
    ['delete.topic.enable', 'true'],
    ['log.retention.hours', 24],
    ['log.segment.bytes', 64 * 1024 * 1024],
  ];
  const body = entries.map(([key, value]) => `${key}=${escapeValue(String(value))}`).join('\n');
  return `# Written by tools/local-kafka on every start; edits are overwritten.\n${body}\n`;
}

/**
 * A standalone ZooKeeper 3.8 on loopback: no admin web server (port 8080 is everyone's), `srvr` as
 * the only four-letter command (the readiness check).
 * @param {{ zookeeperPort: number, zookeeperDir: string }} config
 * @returns {string}
 */
export function renderZooKeeperProperties({ zookeeperPort, zookeeperDir }) {
  return [
    '# Written by tools/local-kafka on every start; edits are overwritten.',
    `dataDir=${escapeValue(zookeeperDir)}`,
    `clientPort=${zookeeperPort}`,
    `clientPortAddress=${HOST}`,
    'maxClientCnxns=0',
    'admin.enableServer=false',
    '4lw.commands.whitelist=srvr',
    'tickTime=2000',
    '',
  ].join('\n');
}

/**
 * log4j 1 (reload4j: Kafka 3.9 and ZooKeeper log through it) — warnings and errors on the console,
 * INFO in the given file, rolled at 10 MB.
 * @param {{ file: string }} paths
 * @returns {string}
 */
export function renderLog4jProperties({ file }) {
  return [
    '# Written by tools/local-kafka on every start; edits are overwritten.',
    'log4j.rootLogger=INFO, console, file',
    'log4j.appender.console=org.apache.log4j.ConsoleAppender',
    'log4j.appender.console.Threshold=WARN',
    'log4j.appender.console.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.console.layout.ConversionPattern=[kafka %d{HH:mm:ss.SSS}] %-5p %m (%c{1})%n',
    'log4j.appender.file=org.apache.log4j.RollingFileAppender',
    `log4j.appender.file.File=${escapeValue(file)}`,
    'log4j.appender.file.MaxFileSize=10MB',
    'log4j.appender.file.MaxBackupIndex=2',
    'log4j.appender.file.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.file.layout.ConversionPattern=[%d{ISO8601}] %-5p %m (%c)%n',
    'log4j.logger.kafka.request.logger=WARN',
    '',
  ].join('\n');
}
