'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useTransition } from 'react';
import { TIME_WINDOWS, type EarthquakeFilter } from '../../lib/definitions';

const MAGNITUDES = [
  { value: -10, label: 'any' },
  { value: 1, label: '≥ 1' },
  { value: 2, label: '≥ 2' },
  { value: 3, label: '≥ 3' },
  { value: 4, label: '≥ 4' },
  { value: 5, label: '≥ 5' },
] as const;

/** Time window and minimum magnitude, kept in the URL (shareable; the server renders the filtered page). */
export function EarthquakeFilters({ filter }: { filter: EarthquakeFilter }) {
  const router = useRouter();
  const pathname = usePathname();
  const search = useSearchParams();
  const [pending, startTransition] = useTransition();
  const set = (name: string, value: string) => {
    const params = new URLSearchParams(search.toString());
    params.set(name, value);
    startTransition(() => router.replace(`${pathname}?${params.toString()}`, { scroll: false }));
  };
  return (
    <div className="filters" aria-busy={pending}>
      <label>
        window
        <span className="segmented" role="group" aria-label="time window">
          {Object.keys(TIME_WINDOWS).map((window) => (
            <button key={window} type="button" aria-pressed={filter.window === window} onClick={() => set('window', window)}>
              {window}
            </button>
          ))}
        </span>
      </label>
      <label>
        magnitude
        <span className="segmented" role="group" aria-label="minimum magnitude">
          {MAGNITUDES.map((choice) => (
            <button key={choice.value} type="button" aria-pressed={filter.minMagnitude === choice.value} onClick={() => set('minMagnitude', String(choice.value))}>
              {choice.label}
            </button>
          ))}
        </span>
      </label>
      {pending && <span className="muted small">updating…</span>}
    </div>
  );
}
