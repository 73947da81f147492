export { createKafka, type FluxoKafka, type ClusterDescription } from './create-kafka';
export {
  KafkaClientError,
  isRetriableKafkaError,
  type KafkaErrorCode,
  type KafkaErrorContext,
  type KafkaClientErrorOptions,
} from './errors';
export {
  resolveKafkaSettings,
  redactSettings,
  KAFKA_SETTINGS_DEFAULTS,
  type KafkaSettings,
  type ResolvedKafkaSettings,
  type KafkaSaslSettings,
  type KafkaTlsSettings,
  type KafkaRetrySettings,
  type KafkaClientLogLevel,
  type SaslMechanism,
} from './settings';
export { ensureTopics, deleteTopics, describeLag, unprocessedByAll, type TopicSpec, type EnsureTopicsResult, type PartitionLag, type TopicLag } from './topic-admin';
export {
  ReferenceProducer,
  EVENT_ID_HEADER,
  type ReferenceProducerOptions,
  type OutgoingRecord,
  type PublishedRecord,
  type RecordPublisher,
} from './reference-producer';
export {
  ReferenceConsumer,
  type ReferenceConsumerOptions,
  type ConsumedMessage,
  type MessageHandler,
  type BatchHandler,
  type BatchOptions,
  type AssignedPartition,
} from './reference-consumer';
export { existingTopics, topicOffsets, offsetsAtTime, readRanges, type PartitionOffsets, type OffsetRange, type ReadRangesOptions, type RangeRead } from './topic-reader';
export { PartitionPositions, type PartitionPosition } from './partition-positions';
export { settingsFromConfig } from './settings-from-config';
export { waitForCluster, type WaitForClusterOptions } from './wait-for-cluster';
export { retryUntilReady, type RetryUntilReadyOptions } from './retry-until-ready';
