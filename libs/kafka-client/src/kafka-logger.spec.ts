import { logLevel } from 'kafkajs';
import { recordingLogger } from '@fluxo/schema/testing';
import { kafkajsLogCreator, mapKafkajsLevel, toKafkajsLogLevel } from './kafka-logger';

describe('mapKafkajsLevel', () => {
  it.each([
    [logLevel.ERROR, 'Consumer', 'error'],
    [logLevel.ERROR, 'Connection', 'warn'],
    [logLevel.ERROR, 'BrokerPool', 'warn'],
    [logLevel.WARN, 'Producer', 'warn'],
    [logLevel.INFO, 'Consumer', 'debug'],
    [logLevel.DEBUG, 'Connection', 'debug'],
    [logLevel.NOTHING, 'Consumer', undefined],
  ] as const)('kafkajs level %p from %s → %p', (level, namespace, expected) => {
    expect(mapKafkajsLevel(level, namespace)).toBe(expected);
  });
});

describe('toKafkajsLogLevel', () => {
  it('maps our names onto kafkajs levels', () => {
    expect([toKafkajsLogLevel('error'), toKafkajsLogLevel('warn'), toKafkajsLogLevel('info'), toKafkajsLogLevel('debug')]).toEqual([
      logLevel.ERROR,
      logLevel.WARN,
      logLevel.INFO,
      logLevel.DEBUG,
    ]);
  });
});

describe('kafkajsLogCreator', () => {
  it('logs structured fields through our logger, without kafkajs timestamp and logger name', () => {
    const logger = recordingLogger();
    const log = kafkajsLogCreator(logger)(logLevel.INFO);

    log({
      namespace: 'Connection',
      level: logLevel.ERROR,
      label: 'ERROR',
      log: { message: 'Response Metadata(key: 3, version: 6)', timestamp: '2025-05-04T13:00:00.000Z', logger: 'kafkajs', broker: '127.0.0.1:9092', error: 'leader not available' } as never,
    });
    log({ namespace: 'Consumer', level: logLevel.INFO, label: 'INFO', log: { message: 'Starting', timestamp: 'x', logger: 'kafkajs', groupId: 'g' } as never });

    expect(logger.entries).toEqual([
      {
        level: 'warn',
        message: 'Response Metadata(key: 3, version: 6)',
        fields: { component: 'kafkajs', namespace: 'Connection', broker: '127.0.0.1:9092', error: 'leader not available' },
      },
      { level: 'debug', message: 'Starting', fields: { component: 'kafkajs', namespace: 'Consumer', groupId: 'g' } },
    ]);
  });
});
