import { logLevel, type logCreator, type LogEntry } from 'kafkajs';
import type { Logger } from '@fluxo/schema';
import type { KafkaClientLogLevel } from './settings';

export type LevelName = 'debug' | 'info' | 'warn' | 'error';

/**
 * kafkajs namespaces whose ERROR entries are about a single request or connection that kafkajs retries
 * (a leader moving, a broker restarting). If the retries run out, the operation throws and the caller
 * logs that; logging every attempt at error level would page someone for nothing.
 */
const RETRIED_ERROR_NAMESPACES = new Set(['Connection', 'BrokerPool', 'Cluster']);

/**
 * Which of our levels a kafkajs entry is logged at, or undefined to drop it.
 * - ERROR → error, except per-request/connection errors kafkajs retries → warn
 * - WARN → warn
 * - INFO → debug: kafkajs INFO is lifecycle chatter ("Starting", "Stopped"); our producer and consumer log
 *   the lifecycle events that matter (group joins, assignments, crashes) at info with our own fields
 * - DEBUG → debug
 */
export function mapKafkajsLevel(level: logLevel, namespace: string): LevelName | undefined {
  switch (level) {
    case logLevel.ERROR:
      return RETRIED_ERROR_NAMESPACES.has(namespace) ? 'warn' : 'error';
    case logLevel.WARN:
      return 'warn';
    case logLevel.INFO:
    case logLevel.DEBUG:
      return 'debug';
    case logLevel.NOTHING:
      return undefined;
    default:
      return 'debug';
  }
}

export function toKafkajsLogLevel(level: KafkaClientLogLevel): logLevel {
  switch (level) {
    case 'error':
      return logLevel.ERROR;
    case 'warn':
      return logLevel.WARN;
    case 'info':
      return logLevel.INFO;
    case 'debug':
      return logLevel.DEBUG;
  }
}

/**
 * Adapts our structured Logger to kafkajs's `logCreator`: each entry becomes
 * `logger.<level>({ component: 'kafkajs', namespace, ...extra }, message)`.
 */
export function kafkajsLogCreator(logger: Logger): logCreator {
  const kafkaLogger = logger.child({ component: 'kafkajs' });
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const target = mapKafkajsLevel(level, namespace);
      if (target === undefined) return;
      kafkaLogger[target]({ namespace, ...entryFields(log) }, log.message);
    };
}

/** The entry's structured fields, without what our logger adds itself (message, timestamp, kafkajs logger name). */
function entryFields(log: LogEntry['log']): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(log)) {
    if (key !== 'message' && key !== 'timestamp' && key !== 'logger') fields[key] = value;
  }
  return fields;
}
