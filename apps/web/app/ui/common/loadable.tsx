import type { ReactNode } from 'react';
import type { Loaded, WidgetProblemKind } from '../../lib/definitions';
import { problemCommand } from '../../lib/operator-commands';
import { CommandHint } from './command-hint';

const ICONS: Record<WidgetProblemKind, string> = {
  'no-data': '○',
  'kafka-unreachable': '⚠',
  'broken-file': '⚠',
  'query-failed': '✕',
};

const TITLES: Record<WidgetProblemKind, string> = {
  'no-data': 'No data yet',
  'kafka-unreachable': 'Kafka unreachable',
  'broken-file': 'Unreadable file',
  'query-failed': 'Query failed',
};

/**
 * Renders a widget's data, or the clear reason it has none (no data yet, Kafka unreachable, a broken
 * file, a failed query) with the `npx fluxo` command that looks into it, plus warnings about skipped
 * files. Never throws, never renders blank.
 */
export function Loadable<T>({ loaded, children }: { loaded: Loaded<T>; children: (data: T) => ReactNode }) {
  return (
    <>
      {loaded.ok ? (
        children(loaded.data)
      ) : (
        <div className={`widget-message widget-${loaded.problem.kind}`} role="status" data-testid="widget-message" data-kind={loaded.problem.kind}>
          <span className="widget-icon" aria-hidden="true">
            {ICONS[loaded.problem.kind]}
          </span>
          <div>
            <strong>{TITLES[loaded.problem.kind]}</strong>
            <p>{loaded.problem.message}</p>
            <CommandHint command={problemCommand(loaded.problem)} />
          </div>
        </div>
      )}
      {loaded.warnings.length > 0 && (
        <ul className="widget-warnings" data-testid="widget-warnings">
          {loaded.warnings.slice(0, 3).map((warning) => (
            <li key={warning}>⚠ {warning}</li>
          ))}
          {loaded.warnings.length > 3 && <li>… and {loaded.warnings.length - 3} more</li>}
        </ul>
      )}
    </>
  );
}
