import { notFound } from 'next/navigation';
import { Suspense } from 'react';
import { CardSkeleton } from '../../ui/common/skeleton';
import { DatasetDriftWidget, DatasetWidget } from '../../ui/datasets/sections';

const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export default async function DatasetPage({ params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  if (!NAME.test(name)) notFound();
  return (
    <>
      <div className="page-head">
        <h1>{name}</h1>
        <p className="muted">Generic view: rows over time, numeric summaries, schema drift, latest rows.</p>
      </div>
      <div className="grid">
        <Suspense fallback={<CardSkeleton title="Dataset" wide height={60} />}>
          <DatasetWidget widget="info" dataset={name} />
        </Suspense>
        <Suspense fallback={<CardSkeleton title="Rows over time" wide />}>
          <DatasetWidget widget="rowsOverTime" dataset={name} />
        </Suspense>
        <Suspense fallback={<CardSkeleton title="Numeric columns" wide height={120} />}>
          <DatasetWidget widget="numeric" dataset={name} />
        </Suspense>
        <Suspense fallback={<CardSkeleton title="Schema drift" wide height={80} />}>
          <DatasetDriftWidget dataset={name} />
        </Suspense>
        <Suspense fallback={<CardSkeleton title="Latest rows" wide height={300} />}>
          <DatasetWidget widget="latest" dataset={name} />
        </Suspense>
      </div>
    </>
  );
}
