import { ZOOKEEPER_CLUSTER } from './support/kafka-clusters';
import { pollingPipelineSuite } from './support/polling-suite';

// The same six USGS polls through Kafka 3.9 in ZooKeeper mode (FLUXO_TEST_KAFKA_ZK_BROKERS): 217 versions of 200 events.
pollingPipelineSuite(ZOOKEEPER_CLUSTER);
