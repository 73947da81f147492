import { Suspense } from 'react';
import { CardSkeleton } from '../ui/common/skeleton';
import { WikipediaWidget } from '../ui/wikipedia/sections';

export default function WikipediaPage() {
  return (
    <>
      <div className="page-head">
        <h1>Wikipedia edits</h1>
        <p className="muted">Wikimedia EventStreams recentchange (dataset recentchange), streamed by stream-ingest.</p>
      </div>
      <div className="grid">
        <Suspense fallback={<CardSkeleton title="Edits" wide height={60} />}>
          <WikipediaWidget widget="summary" />
        </Suspense>
        <Suspense fallback={<CardSkeleton title="Edits per minute by wiki" />}>
          <WikipediaWidget widget="perMinute" />
        </Suspense>
        <Suspense fallback={<CardSkeleton title="Bots vs humans" />}>
          <WikipediaWidget widget="bots" />
        </Suspense>
        <Suspense fallback={<CardSkeleton title="Top pages" wide />}>
          <WikipediaWidget widget="topPages" />
        </Suspense>
      </div>
    </>
  );
}
