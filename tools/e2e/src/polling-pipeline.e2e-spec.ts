import { KRAFT_CLUSTER } from './support/kafka-clusters';
import { pollingPipelineSuite } from './support/polling-suite';

pollingPipelineSuite(KRAFT_CLUSTER);
