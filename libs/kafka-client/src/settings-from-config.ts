import type { KafkaConnectionConfig } from '@fluxo/schema';
import type { KafkaSettings } from './settings';

/** Turns an app's validated Kafka configuration (FLUXO_KAFKA_* variables) into client settings. */
export function settingsFromConfig(config: KafkaConnectionConfig): KafkaSettings {
  const { kafkaSaslMechanism: mechanism, kafkaSaslUsername: username, kafkaSaslPassword: password } = config;
  return {
    brokers: config.kafkaBrokers,
    clientId: config.kafkaClientId,
    ssl: config.kafkaSsl,
    connectionTimeoutMs: config.kafkaConnectionTimeoutMs,
    ...(mechanism === undefined ? {} : { sasl: { mechanism, username: username ?? '', password: password ?? '' } }),
  };
}
