import { formatAgo, formatBytes, formatCount, formatDuration, formatTime } from '../output/format';
import { renderTable } from '../output/table';
import type { CheckLevel, StatusReport } from './status-report';

const MARK: Readonly<Record<CheckLevel, string>> = { ok: '✓', warn: '!', fail: '✗' };

/** The report as text for a terminal: stages, tables, dead letters, quarantine, then the checks. */
export function renderStatus(report: StatusReport, width: number | undefined): string {
  const now = report.at;
  const table = (header: readonly string[], rows: readonly (readonly string[])[]) => renderTable(header, rows, { indent: 2, ...(width === undefined ? {} : { width }) });
  const out: string[] = [];
  out.push(`fluxo status — ${formatTime(now)} — ${report.healthy ? 'HEALTHY' : 'UNHEALTHY'}`);
  out.push(`  kafka ${report.kafka.brokers.join(',')} · catalog ${report.catalog.location} · lake ${report.lake.root}`);

  out.push('', 'Stages');
  const stageRows: string[][] = [];
  for (const producer of report.producers) {
    stageRows.push([producer.stage, producer.source, producer.dataset ?? '–', '–', '–', producer.lastFileAt === null ? 'no raw file' : `raw file ${formatAgo(producer.lastFileAt, now)}`, formatCount(producer.filesInWindow)]);
  }
  const lag = report.lag;
  const waiting = new Map((lag?.byDataset ?? []).map((entry) => [entry.dataset, entry]));
  const datasets = new Set([...report.tables.map((t) => t.name), ...waiting.keys()]);
  for (const dataset of [...datasets].sort()) {
    const tableStatus = report.tables.find((t) => t.name === dataset);
    const backlog = waiting.get(dataset);
    const commit = tableStatus?.lastCommit ?? null;
    stageRows.push([
      'normalizer',
      lag?.group ?? '–',
      dataset,
      lag === null ? '?' : formatCount(backlog?.lag ?? 0),
      backlog?.oldestWaitingAt === null || backlog === undefined ? '–' : formatDuration(now - backlog.oldestWaitingAt),
      commit === null ? 'no commit' : `commit #${commit.snapshotId} ${formatAgo(commit.at, now)}${commit.rows === null ? '' : ` (+${formatCount(commit.rows)} rows)`}`,
      '–',
    ]);
  }
  if (stageRows.length === 0) out.push('  nothing has run yet (no raw files, no tables)');
  else out.push(table(['stage', 'source/group', 'dataset', 'waiting', 'oldest waiting', 'last activity', 'files in window'], stageRows));
  if (lag !== null && lag.unattributed > 0) out.push(`  + ${formatCount(lag.unattributed)} waiting reference(s) beyond the scan limit (FLUXO_CLI_SCAN_LIMIT)`);

  out.push('', 'Tables');
  if (report.tables.length === 0) out.push(report.catalog.exists ? '  no tables yet' : `  no catalog yet (${report.catalog.location})`);
  else
    out.push(
      table(
        ['table', 'rows', 'files', 'delete files', 'size', 'newest event', 'last commit'],
        report.tables.map((t) => [
          t.name,
          formatCount(t.rows),
          formatCount(t.files),
          formatCount(t.deleteFiles),
          formatBytes(t.bytes),
          t.newestEventAt === null ? '–' : `${formatTime(t.newestEventAt)} (${formatAgo(t.newestEventAt, now)})`,
          t.lastCommit === null ? '–' : `#${t.lastCommit.snapshotId} ${formatAgo(t.lastCommit.at, now)}`,
        ]),
      ),
    );

  const dead = report.deadLetters;
  if (dead !== null) {
    out.push('', `Dead letters since ${formatTime(dead.since)} (${formatCount(dead.scanned)} scanned${dead.truncated ? ', scan limit reached' : ''})`);
    if (dead.byReason.length === 0) out.push('  none');
    else out.push(table(['stage', 'reason', 'dataset', 'count', 'rows', 'last'], dead.byReason.map((g) => [g.stage, g.reason, g.dataset ?? '–', formatCount(g.count), formatCount(g.rows), formatAgo(g.lastAt, now)])));
    if (dead.quarantinedRows.length > 0) {
      out.push('', 'Quarantined rows (ROWS_REJECTED) by missing columns');
      out.push(table(['dataset', 'missing', 'rows'], dead.quarantinedRows.map((q) => [q.dataset ?? '–', q.missing, formatCount(q.rows)])));
    }
  }
  if (report.quarantine.length > 0) {
    out.push('', 'Quarantine files in the window');
    out.push(table(['stage', 'files', 'size'], report.quarantine.map((q) => [q.stage, formatCount(q.files), formatBytes(q.bytes)])));
  }

  out.push('', 'Checks');
  for (const check of report.checks) out.push(`  ${MARK[check.level]} ${check.message}${check.level === 'ok' || check.setting === undefined ? '' : `  [${check.setting}]`}`);
  return out.join('\n');
}
