// @ts-check
/** The server's command line and configuration files. Pure functions: no I/O here. */
import { HOST } from './paths.mjs';

/** JVM system property that tags our server, so a recycled pid is never mistaken for it. */
export const DATA_DIR_PROPERTY = 'fluxo.localSpark.dataDir';
export const SERVER_CLASS = 'org.apache.spark.sql.connect.service.SparkConnectServer';

/**
 * @typedef {object} ServerConfig
 * @property {number} port
 * @property {string} master               e.g. `local[2]`
 * @property {string} driverMemory         e.g. `1g`
 * @property {import('./paths.mjs').DataDirLayout} layout
 * @property {Readonly<Record<string, string>>} conf  extra `--conf` entries (they win over ours)
 * @property {readonly string[]} [jars]     extra jars on the driver's classpath (`spark.jars`): the S3A jars
 */

/**
 * `spark-submit` arguments for a Connect server bound to loopback, with every file it writes under the data dir
 * (scratch space comes from SPARK_LOCAL_DIRS) and no web UI (port 4040 is shared by everyone on the machine).
 * @param {ServerConfig} config
 * @returns {string[]}
 */
export function sparkSubmitArgs({ port, master, driverMemory, layout, conf, jars = [] }) {
  /** @type {Record<string, string>} */
  const settings = {
    ...(jars.length > 0 ? { 'spark.jars': jars.join(',') } : {}),
    'spark.connect.grpc.binding.address': HOST,
    'spark.connect.grpc.binding.port': String(port),
    'spark.driver.host': HOST,
    'spark.driver.bindAddress': HOST,
    'spark.ui.enabled': 'false',
    'spark.sql.warehouse.dir': layout.warehouseDir,
    'spark.sql.session.timeZone': 'UTC',
    ...conf,
  };
  const javaOptions = [`-D${DATA_DIR_PROPERTY}=${layout.dataDir}`, `-Dlog4j2.configurationFile=file:${layout.log4jConfig}`, `-Dderby.system.home=${layout.dataDir}`];
  return [
    '--class',
    SERVER_CLASS,
    '--name',
    'fluxo-local-spark',
    '--master',
    master,
    '--driver-memory',
    driverMemory,
    '--driver-java-options',
    javaOptions.join(' '),
    ...Object.entries(settings).flatMap(([key, value]) => ['--conf', `${key}=${value}`]),
    'spark-internal',
  ];
}

/**
 * The address clients use. The token travels in clear text, which parseRemote allows to loopback only.
 * @param {{ port: number, token?: string }} options
 */
export function remoteFor({ port, token }) {
  return token === undefined ? `sc://${HOST}:${port}/;use_ssl=false` : `sc://${HOST}:${port}/;token=${encodeURIComponent(token)};use_ssl=false`;
}

/** INFO lines that still reach the console: the server started. */
const LIFECYCLE = 'org.apache.spark.sql.connect.service.SparkConnectServer';

/**
 * log4j2 properties: warnings and errors plus the "server started" line on the console; INFO from
 * everything in `logs/server.log`, rolled at 10 MB.
 * @param {{ serverLog: string }} paths
 * @returns {string}
 */
export function renderLog4j2Properties({ serverLog }) {
  return [
    '# Written by tools/local-spark on every start; edits are overwritten.',
    'rootLogger.level = info',
    'rootLogger.appenderRef.console.ref = console',
    'rootLogger.appenderRef.console.level = warn',
    'rootLogger.appenderRef.file.ref = file',
    'appender.console.type = Console',
    'appender.console.name = console',
    'appender.console.target = SYSTEM_ERR',
    'appender.console.layout.type = PatternLayout',
    'appender.console.layout.pattern = [spark %d{HH:mm:ss.SSS}] %-5p %m (%c{1})%n',
    'appender.file.type = RollingFile',
    'appender.file.name = file',
    `appender.file.fileName = ${serverLog}`,
    `appender.file.filePattern = ${serverLog}.%i`,
    'appender.file.layout.type = PatternLayout',
    'appender.file.layout.pattern = [%d{ISO8601}] %-5p %m (%c)%n',
    'appender.file.policies.type = Policies',
    'appender.file.policies.size.type = SizeBasedTriggeringPolicy',
    'appender.file.policies.size.size = 10MB',
    'appender.file.strategy.type = DefaultRolloverStrategy',
    'appender.file.strategy.max = 2',
    `logger.started.name = ${LIFECYCLE}`,
    'logger.started.level = info',
    'logger.started.appenderRef.startedConsole.ref = console',
    'logger.started.additivity = false',
    'logger.started.appenderRef.startedFile.ref = file',
    '',
  ].join('\n');
}
