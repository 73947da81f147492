'use client';

import { SegmentError } from '../ui/common/segment-error';

export default function DatasetsError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <SegmentError title="The datasets page failed to render" error={error} reset={reset} />;
}
