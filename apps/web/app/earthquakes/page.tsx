import { Suspense } from 'react';
import { parseEarthquakeFilter } from '../lib/data';
import { CardSkeleton } from '../ui/common/skeleton';
import { EarthquakeFilters } from '../ui/earthquakes/filters';
import { EarthquakeWidget } from '../ui/earthquakes/sections';

export default async function EarthquakesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const filter = parseEarthquakeFilter(await searchParams);
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Earthquakes</h1>
          <p className="muted">USGS real-time feed, curated; the window ends at the newest event in the lake.</p>
        </div>
        <EarthquakeFilters filter={filter} />
      </div>
      <div className="grid">
        <Suspense fallback={<CardSkeleton title="Summary" wide height={60} />}>
          <EarthquakeWidget widget="summary" filter={filter} />
        </Suspense>
        <Suspense fallback={<CardSkeleton title="Where" wide height={380} />}>
          <EarthquakeWidget widget="map" filter={filter} />
        </Suspense>
        <Suspense fallback={<CardSkeleton title="Magnitudes" />}>
          <EarthquakeWidget widget="histogram" filter={filter} />
        </Suspense>
        <Suspense fallback={<CardSkeleton title="Events over time" />}>
          <EarthquakeWidget widget="timeline" filter={filter} />
        </Suspense>
        <Suspense fallback={<CardSkeleton title="Latest events" wide height={300} />}>
          <EarthquakeWidget widget="latest" filter={filter} />
        </Suspense>
      </div>
    </>
  );
}
