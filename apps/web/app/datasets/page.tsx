import { Suspense } from 'react';
import { CardSkeleton } from '../ui/common/skeleton';
import { DatasetIndex } from '../ui/datasets/sections';

export default function DatasetsPage() {
  return (
    <>
      <div className="page-head">
        <h1>Datasets</h1>
        <p className="muted">Any curated dataset, with no UI code per source.</p>
      </div>
      <div className="grid">
        <Suspense fallback={<CardSkeleton title="Datasets" wide height={120} />}>
          <DatasetIndex />
        </Suspense>
      </div>
    </>
  );
}
