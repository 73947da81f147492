import { getPipelineSnapshot } from '../../lib/data';
import type { PipelineSnapshot } from '../../lib/definitions';
import { DriftCard } from '../drift/drift-card';
import { LagCard, LagTrendChart } from './lag';
import { DeadLettersCard, FreshnessCard, LatencyCard, StorageCard } from './quality';
import { RecentFilesCard } from './recent-files';
import { StagesCard } from './stages';
import { ThroughputChart } from './throughput-chart';

const WIDGETS = {
  stages: StagesCard,
  throughput: ThroughputChart,
  lag: LagCard,
  lagTrend: LagTrendChart,
  freshness: FreshnessCard,
  latency: LatencyCard,
  deadLetters: DeadLettersCard,
  storage: StorageCard,
  recentFiles: RecentFilesCard,
  drift: DriftCard,
} as const satisfies Record<string, (props: { initial: PipelineSnapshot }) => React.ReactNode>;

/** Server side of one overview widget: awaits the snapshot (shared per request), then hands it to the live client island. */
export async function OverviewWidget({ widget }: { widget: keyof typeof WIDGETS }) {
  const snapshot = await getPipelineSnapshot();
  const Widget = WIDGETS[widget];
  return <Widget initial={snapshot} />;
}
