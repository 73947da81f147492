import { testSparkRemote } from '@fluxo/spark-connect/testing';
import { KRAFT_CLUSTER } from './support/kafka-clusters';
import { pollingPipelineSuite } from './support/polling-suite';

// Issue 12, part 3: the same six USGS polls through Kafka, the normalizer mapping raw files with Spark
// (the run's Spark Connect server, FLUXO_TEST_SPARK_REMOTE) and committing with DuckDB: 217 versions of 200 events.
pollingPipelineSuite(KRAFT_CLUSTER, { label: 'spark', env: () => ({ FLUXO_ENGINE: 'spark', FLUXO_SPARK_REMOTE: testSparkRemote() }) });
