import type { ReactNode } from 'react';

/** A dashboard panel: title, optional subtitle, body. Usable from server and client components. */
export function Card({ title, subtitle, children, testId, wide }: { title: string; subtitle?: ReactNode; children: ReactNode; testId?: string; wide?: boolean }) {
  return (
    <section className={wide === true ? 'card card-wide' : 'card'} data-testid={testId} aria-label={title}>
      <header className="card-header">
        <h2>{title}</h2>
        {subtitle !== undefined && <p className="card-subtitle">{subtitle}</p>}
      </header>
      <div className="card-body">{children}</div>
    </section>
  );
}

/** One big number with its label. */
export function Stat({ label, value, hint, testId }: { label: string; value: ReactNode; hint?: ReactNode; testId?: string }) {
  return (
    <div className="stat">
      <div className="stat-value" data-testid={testId}>
        {value}
      </div>
      <div className="stat-label">{label}</div>
      {hint !== undefined && <div className="stat-hint">{hint}</div>}
    </div>
  );
}
