import type { KafkaSettings } from '@fluxo/kafka-client';

/** A Kafka cluster the end-to-end suites run against. */
export interface KafkaCluster {
  readonly name: string;
  /** Goes into topic, group and folder names. */
  readonly label: string;
  /** Client settings for the cluster, read when the suite starts (so a missing variable fails that suite only). */
  settings(): Partial<KafkaSettings>;
}

const TEST_ZOOKEEPER_BROKERS_ENV = 'FLUXO_TEST_KAFKA_ZK_BROKERS';

/** The run's KRaft broker (Kafka 4.x, FLUXO_TEST_KAFKA_BROKERS). */
export const KRAFT_CLUSTER: KafkaCluster = { name: 'Kafka 4.x (KRaft)', label: 'kraft', settings: () => ({}) };

/** The run's ZooKeeper-mode broker (Kafka 3.9 + ZooKeeper 3.8, FLUXO_TEST_KAFKA_ZK_BROKERS). */
export const ZOOKEEPER_CLUSTER: KafkaCluster = {
  name: 'Kafka 3.9 (ZooKeeper)',
  label: 'zk',
  settings: () => {
    const brokers = process.env[TEST_ZOOKEEPER_BROKERS_ENV];
    if (brokers === undefined || brokers.trim() === '') {
      throw new Error(
        `${TEST_ZOOKEEPER_BROKERS_ENV} is not set. Start a ZooKeeper-mode broker with ` +
          '`npm run kafka -- start --mode zookeeper --port 19192 --zookeeper-port 19181 --data-dir /tmp/dev-kafka-zk` ' +
          `and set ${TEST_ZOOKEEPER_BROKERS_ENV}=127.0.0.1:19192 (npm test starts one).`,
      );
    }
    return { brokers: brokers.split(',').map((broker) => broker.trim()).filter((broker) => broker !== '') };
  },
};
