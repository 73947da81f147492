import type { CommitObserver, CommitReport } from '@fluxo/curation';

/** One observer telling several: every `committed` in turn (each handles its own failures), rows to all that count them. */
export function commitObservers(first: CommitObserver, ...more: Pick<CommitObserver, 'committed'>[]): CommitObserver {
  return {
    committed: async (report: CommitReport) => {
      await first.committed(report);
      for (const observer of more) await observer.committed(report);
    },
    rowsQuarantined: (reason, rows) => first.rowsQuarantined(reason, rows),
  };
}
