/** Placeholder shown by a widget's Suspense boundary while its data loads. */
export function CardSkeleton({ title, wide, height = 220 }: { title: string; wide?: boolean; height?: number }) {
  return (
    <section className={wide === true ? 'card card-wide' : 'card'} aria-busy="true" aria-label={`${title} (loading)`}>
      <header className="card-header">
        <h2>{title}</h2>
      </header>
      <div className="card-body">
        <div className="skeleton" style={{ height }} />
      </div>
    </section>
  );
}
