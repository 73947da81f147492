import { ArrayMinSize, IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { DEFAULT_TOPICS } from '../events/topics';
import type { EnvSetting } from './env-config';

/** Connection settings shared by every app: a local broker by default, any cluster by configuration. */
export class KafkaConnectionConfig {
  @ArrayMinSize(1) @Matches(/^[^\s:]+:\d{1,5}$/, { each: true, message: 'each broker must be host:port' })
  kafkaBrokers!: string[];

  @IsString() @MinLength(1)
  kafkaClientId!: string;

  @IsBoolean()
  kafkaSsl!: boolean;

  @IsOptional() @IsIn(['plain', 'scram-sha-256', 'scram-sha-512'])
  kafkaSaslMechanism?: 'plain' | 'scram-sha-256' | 'scram-sha-512';

  @IsOptional() @IsString()
  kafkaSaslUsername?: string;

  @IsOptional() @IsString()
  kafkaSaslPassword?: string;

  @IsInt() @Min(100) @Max(120_000)
  kafkaConnectionTimeoutMs!: number;

  @IsInt() @Min(1) @Max(64)
  topicPartitions!: number;

  @IsString() @MinLength(1)
  topicRawFiles!: string;

  @IsString() @MinLength(1)
  topicCuratedFiles!: string;

  @IsString() @MinLength(1)
  topicDeadLetter!: string;
}

export function kafkaSettings(clientId: string): EnvSetting<keyof KafkaConnectionConfig>[] {
  return [
    { env: 'FLUXO_KAFKA_BROKERS', field: 'kafkaBrokers', kind: 'list', default: '127.0.0.1:9092', description: 'Bootstrap servers, comma-separated' },
    { env: 'FLUXO_KAFKA_CLIENT_ID', field: 'kafkaClientId', kind: 'string', default: clientId, description: 'Kafka client id' },
    { env: 'FLUXO_KAFKA_SSL', field: 'kafkaSsl', kind: 'bool', default: 'false', description: 'Connect with TLS' },
    { env: 'FLUXO_KAFKA_SASL_MECHANISM', field: 'kafkaSaslMechanism', kind: 'string', description: 'plain, scram-sha-256 or scram-sha-512' },
    { env: 'FLUXO_KAFKA_SASL_USERNAME', field: 'kafkaSaslUsername', kind: 'string', description: 'SASL user name' },
    { env: 'FLUXO_KAFKA_SASL_PASSWORD', field: 'kafkaSaslPassword', kind: 'string', secret: true, description: 'SASL password (never logged)' },
    { env: 'FLUXO_KAFKA_CONNECTION_TIMEOUT_MS', field: 'kafkaConnectionTimeoutMs', kind: 'int', default: '10000', description: 'Connection timeout' },
    { env: 'FLUXO_TOPIC_PARTITIONS', field: 'topicPartitions', kind: 'int', default: '3', description: 'Partitions for topics fluxo creates' },
    { env: 'FLUXO_TOPIC_RAW_FILES', field: 'topicRawFiles', kind: 'string', default: DEFAULT_TOPICS.rawFiles, description: 'Topic of raw file references' },
    { env: 'FLUXO_TOPIC_CURATED_FILES', field: 'topicCuratedFiles', kind: 'string', default: DEFAULT_TOPICS.curatedFiles, description: 'Topic of curated file references' },
    { env: 'FLUXO_TOPIC_DEAD_LETTER', field: 'topicDeadLetter', kind: 'string', default: DEFAULT_TOPICS.deadLetter, description: 'Dead-letter topic' },
  ];
}
