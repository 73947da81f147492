'use client';

import type { DatasetDrift, DriftAlert, DriftReport, PipelineSnapshot } from '../../lib/definitions';
import { Card } from '../common/card';
import { formatCount, formatTime } from '../common/format';
import { Loadable } from '../common/loadable';
import { usePipeline } from '../live/live-provider';

/**
 * Schema drift, pushed with every pipeline snapshot: per dataset and column, rows whose path was absent
 * and rows whose value did not cast over the dataset's recent commits, and the latest SCHEMA_DRIFT,
 * UNMAPPED_FIELDS and DUPLICATE_KEY dead letters with what they name and a sample. Read-only: it shows
 * the command that lists the dead letters. With `dataset`, only that dataset's part.
 */
export function DriftCard({ initial, dataset }: { initial: PipelineSnapshot; dataset?: string }) {
  const { drift } = usePipeline(initial);
  return (
    <Card title="Schema drift" subtitle="values the definitions could not read, over each dataset's recent commits" testId="drift" wide>
      <Loadable loaded={drift}>{(report) => <DriftBody report={scoped(report, dataset)} />}</Loadable>
    </Card>
  );
}

function scoped(report: DriftReport, dataset: string | undefined): DriftReport {
  if (dataset === undefined) return report;
  return { ...report, datasets: report.datasets.filter((d) => d.dataset === dataset), alerts: report.alerts.filter((a) => a.dataset === dataset) };
}

function DriftBody({ report }: { report: DriftReport }) {
  const drifting = report.datasets.filter((d) => d.columns.length > 0);
  return (
    <>
      {drifting.length === 0 ? (
        <p className="muted" data-testid="drift-none">
          No drift: every mapped path was present and cast in the last {report.windowCommits} commits of {report.datasets.length === 0 ? 'any dataset seen so far' : report.datasets.map((d) => d.dataset).join(', ')}.
        </p>
      ) : (
        drifting.map((dataset) => <DatasetDriftTable key={dataset.dataset} drift={dataset} />)
      )}
      {report.alerts.length > 0 && (
        <>
          <ul className="reasons drift-alerts">
            {report.alerts.map((alert) => (
              <AlertItem key={`${alert.occurredAt}/${alert.reason}/${alert.source ?? ''}/${alert.names.join(',')}`} alert={alert} />
            ))}
          </ul>
          <p className="muted small">
            Inspect them: <code data-testid="drift-command">npx fluxo dead-letters list --reason {[...new Set(report.alerts.map((a) => a.reason))].join(',')}</code>
          </p>
        </>
      )}
    </>
  );
}

function DatasetDriftTable({ drift }: { drift: DatasetDrift }) {
  return (
    <table className="table compact" data-testid={`drift-${drift.dataset}`}>
      <caption className="muted small">
        <strong>{drift.dataset}</strong>: {formatCount(drift.rows)} rows in the last {drift.commits === 1 ? 'commit' : `${formatCount(drift.commits)} commits`}, latest {formatTime(drift.lastCommitAt)}
      </caption>
      <thead>
        <tr>
          <th>column</th>
          <th>path</th>
          <th className="num">absent</th>
          <th className="num">not castable</th>
        </tr>
      </thead>
      <tbody>
        {drift.columns.map((column) => (
          <tr key={column.column} data-testid={`drift-${drift.dataset}-${column.column}`}>
            <td>{column.column}</td>
            <td>
              <code>{column.path}</code>
            </td>
            <td className="num" data-testid="drift-absent">
              {formatCount(column.absent)}
            </td>
            <td className="num" data-testid="drift-invalid">
              {formatCount(column.invalid)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function AlertItem({ alert }: { alert: DriftAlert }) {
  return (
    <li data-testid={`drift-alert-${alert.reason}`} data-dataset={alert.dataset ?? ''}>
      <span className="reason">{alert.reason}</span> <span className="muted">{[alert.source, alert.dataset].filter((x) => x !== null).join(' → ')}</span>{' '}
      {alert.names.length > 0 && <strong data-testid="drift-alert-names">{alert.names.join(', ')}</strong>} <span className="muted small">· {formatTime(alert.occurredAt)}</span>
      <div className="small">{alert.message}</div>
      {alert.sample !== '' && (
        <details>
          <summary className="muted small">sample</summary>
          <pre className="drift-sample" data-testid="drift-alert-sample">
            {alert.sample}
          </pre>
        </details>
      )}
    </li>
  );
}
