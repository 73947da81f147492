'use client';

/** What an `error.tsx` shows: the failure, where to look, and a retry; never a blank page. */
export function SegmentError({ title, error, reset }: { title: string; error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="segment-error" role="alert" data-testid="segment-error">
      <h2>{title}</h2>
      <p>{error.message !== '' ? error.message : 'An unexpected error occurred on the server.'}</p>
      {error.digest !== undefined && <p className="muted">Reference: {error.digest} (see the server log)</p>}
      <button type="button" onClick={() => reset()}>
        Try again
      </button>
    </div>
  );
}
