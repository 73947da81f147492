import { Suspense } from 'react';
import { CardSkeleton } from './ui/common/skeleton';
import { OverviewWidget } from './ui/overview/sections';

export default function OverviewPage() {
  return (
    <>
      <div className="page-head">
        <h1>Pipeline health</h1>
        <p className="muted">ingest → Kafka (claim checks) → normalizer → curated Parquet. Updates are pushed every few seconds.</p>
      </div>
      <div className="grid">
        <Suspense fallback={<CardSkeleton title="Stages" wide height={110} />}>
          <OverviewWidget widget="stages" />
        </Suspense>
        <Suspense fallback={<CardSkeleton title="Records per minute" />}>
          <OverviewWidget widget="throughput" />
        </Suspense>
        <Suspense fallback={<CardSkeleton title="Lag trend" />}>
          <OverviewWidget widget="lagTrend" />
        </Suspense>
        <Suspense fallback={<CardSkeleton title="Consumer lag" />}>
          <OverviewWidget widget="lag" />
        </Suspense>
        <Suspense fallback={<CardSkeleton title="Latest curated files" />}>
          <OverviewWidget widget="recentFiles" />
        </Suspense>
        <Suspense fallback={<CardSkeleton title="Freshness" />}>
          <OverviewWidget widget="freshness" />
        </Suspense>
        <Suspense fallback={<CardSkeleton title="End-to-end latency" />}>
          <OverviewWidget widget="latency" />
        </Suspense>
        <Suspense fallback={<CardSkeleton title="Dead letters & quarantine" />}>
          <OverviewWidget widget="deadLetters" />
        </Suspense>
        <Suspense fallback={<CardSkeleton title="Schema drift" wide />}>
          <OverviewWidget widget="drift" />
        </Suspense>
        <Suspense fallback={<CardSkeleton title="Lake storage" />}>
          <OverviewWidget widget="storage" />
        </Suspense>
      </div>
    </>
  );
}
