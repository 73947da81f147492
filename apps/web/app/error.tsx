'use client';

import { SegmentError } from './ui/common/segment-error';

export default function OverviewError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <SegmentError title="The pipeline overview failed to render" error={error} reset={reset} />;
}
