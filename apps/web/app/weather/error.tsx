'use client';

import { SegmentError } from '../ui/common/segment-error';

export default function WeatherError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <SegmentError title="The weather page failed to render" error={error} reset={reset} />;
}
