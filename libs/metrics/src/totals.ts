import { Counter, type Registry } from 'prom-client';

export interface TotalsCounterOptions<Label extends string> {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly Label[];
  readonly registry: Registry;
  /** Current totals, read at each scrape: ever-growing numbers kept by the app itself. */
  readonly read: () => Iterable<{ readonly labels: Readonly<Record<Label, string>>; readonly value: number }>;
}

/**
 * A counter whose value the app already keeps (e.g. stream-ingest's `StreamStats`): read at scrape
 * time instead of incremented at every event, so the hot path pays nothing. A total that went
 * down (the app restarted its count) is reported as is; Prometheus treats that as a counter reset.
 */
export function totalsCounter<Label extends string>(options: TotalsCounterOptions<Label>): Counter<Label> {
  return new Counter<Label>({
    name: options.name,
    help: options.help,
    labelNames: options.labelNames,
    registers: [options.registry],
    collect() {
      this.reset();
      for (const { labels, value } of options.read()) if (value > 0) this.inc(labels as Partial<Record<Label, string | number>>, value);
    },
  });
}
