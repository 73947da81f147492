'use client';

import { SegmentError } from '../ui/common/segment-error';

export default function EarthquakesError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <SegmentError title="The earthquakes page failed to render" error={error} reset={reset} />;
}
