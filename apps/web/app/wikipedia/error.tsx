'use client';

import { SegmentError } from '../ui/common/segment-error';

export default function WikipediaError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <SegmentError title="The wikipedia page failed to render" error={error} reset={reset} />;
}
