import type { CliConfig } from '@fluxo/schema';
import { formatCount, formatDuration } from '../output/format';
import { occurredAt, rejectedRows, type DeadLetterScan } from '../dead-letters/scan';
import type { Check, DeadLetterSummary, StatusReport } from './status-report';

/** The thresholds health is judged by (FLUXO_STATUS_* settings, or the flags of `fluxo status`). */
export type HealthThresholds = Pick<CliConfig, 'statusMaxLagMessages' | 'statusMaxLagMs' | 'statusMaxDeadLetters' | 'statusMaxStalenessMs' | 'statusWindowMs'> & {
  readonly statusStalenessIgnore: readonly string[];
};

/**
 * Judges a report. `fail` makes `fluxo status` exit 1; `warn` is shown but healthy:
 * - Kafka unreachable, or the catalog unreadable → fail; no catalog yet → warn;
 * - references waiting for the normalizer above FLUXO_STATUS_MAX_LAG_MESSAGES → fail;
 * - the oldest waiting reference older than FLUXO_STATUS_MAX_LAG_MS → fail (a stalled normalizer);
 * - dead letters in the window: any → warn, more than FLUXO_STATUS_MAX_DEAD_LETTERS → fail;
 * - a table whose last commit is older than FLUXO_STATUS_MAX_STALENESS_MS → fail (off by default;
 *   FLUXO_STATUS_STALENESS_IGNORE lists tables that only change on rare events).
 */
export function judge(report: Omit<StatusReport, 'checks' | 'healthy'>, thresholds: HealthThresholds): Check[] {
  const checks: Check[] = [];
  const now = report.at;
  checks.push(
    report.kafka.reachable
      ? { name: 'kafka', level: 'ok', message: `Kafka answers at ${report.kafka.brokers.join(',')}` }
      : { name: 'kafka', level: 'fail', message: `Kafka at ${report.kafka.brokers.join(',')} is unreachable: ${report.kafka.error ?? 'no answer'}`, setting: 'FLUXO_KAFKA_BROKERS' },
  );
  if (report.catalog.error !== null) checks.push({ name: 'catalog', level: 'fail', message: `The catalog ${report.catalog.location} cannot be read: ${report.catalog.error}`, setting: 'FLUXO_CATALOG' });
  else if (!report.catalog.exists) checks.push({ name: 'catalog', level: 'warn', message: `No catalog at ${report.catalog.location} yet: nothing curated so far`, setting: 'FLUXO_CATALOG' });
  else checks.push({ name: 'catalog', level: 'ok', message: `${report.tables.length} table(s) in ${report.catalog.location}` });

  const lag = report.lag;
  if (lag !== null) {
    const max = thresholds.statusMaxLagMessages;
    checks.push({
      name: 'lag',
      level: lag.totalLag > max ? 'fail' : 'ok',
      message: `${formatCount(lag.totalLag)} reference(s) waiting for ${lag.group} (fails above ${formatCount(max)})`,
      setting: 'FLUXO_STATUS_MAX_LAG_MESSAGES',
    });
    const age = lag.oldestWaitingAt === null ? 0 : Math.max(0, now - lag.oldestWaitingAt);
    checks.push({
      name: 'lag-age',
      level: age > thresholds.statusMaxLagMs ? 'fail' : 'ok',
      message: lag.oldestWaitingAt === null ? 'nothing waiting' : `the oldest waiting reference is ${formatDuration(age)} old (fails above ${formatDuration(thresholds.statusMaxLagMs)})`,
      setting: 'FLUXO_STATUS_MAX_LAG_MS',
    });
  }
  const dead = report.deadLetters;
  if (dead !== null) {
    const window = formatDuration(now - dead.since);
    checks.push({
      name: 'dead-letters',
      level: dead.total > thresholds.statusMaxDeadLetters ? 'fail' : dead.total > 0 ? 'warn' : 'ok',
      message: `${formatCount(dead.total)} dead letter(s) in the last ${window}${dead.truncated ? ' (scan limit reached: at least)' : ''} (fails above ${formatCount(thresholds.statusMaxDeadLetters)}; see \`fluxo dead-letters list\`)`,
      setting: 'FLUXO_STATUS_MAX_DEAD_LETTERS',
    });
  }
  if (thresholds.statusMaxStalenessMs > 0) {
    for (const table of report.tables) {
      if (thresholds.statusStalenessIgnore.includes(table.name)) continue;
      const at = table.lastCommit?.at ?? null;
      const age = at === null || Number.isNaN(at) ? Infinity : now - at;
      checks.push({
        name: `staleness:${table.name}`,
        level: age > thresholds.statusMaxStalenessMs ? 'fail' : 'ok',
        message: `${table.name}: last commit ${age === Infinity ? 'unknown' : `${formatDuration(age)} ago`} (fails above ${formatDuration(thresholds.statusMaxStalenessMs)})`,
        setting: 'FLUXO_STATUS_MAX_STALENESS_MS',
      });
    }
  }
  return checks;
}

/** Dead letters of a scan grouped by stage, reason and dataset; quarantined rows by missing columns. */
export function summarizeDeadLetters(scan: DeadLetterScan, since: number): DeadLetterSummary {
  const groups = new Map<string, { stage: string; reason: string; dataset: string | null; count: number; rows: number; lastAt: number }>();
  const quarantined = new Map<string, { dataset: string | null; missing: string; rows: number }>();
  let total = 0;
  for (const record of scan.records) {
    const at = occurredAt(record);
    if (at < since) continue;
    total += 1;
    const event = record.event;
    const stage = event?.stage ?? '?';
    const reason = event?.reason ?? 'INVALID_DEAD_LETTER';
    const dataset = event?.dataset ?? null;
    const key = `${stage}\u0000${reason}\u0000${dataset ?? ''}`;
    const group = groups.get(key) ?? { stage, reason, dataset, count: 0, rows: 0, lastAt: 0 };
    group.count += 1;
    group.rows += event === null ? 0 : rejectedRows(event);
    group.lastAt = Math.max(group.lastAt, at);
    groups.set(key, group);
    const missing = event?.details?.['missingColumns'];
    if (missing !== null && typeof missing === 'object') {
      for (const [columns, rows] of Object.entries(missing as Record<string, unknown>)) {
        if (typeof rows !== 'number') continue;
        const entry = quarantined.get(`${dataset ?? ''}\u0000${columns}`) ?? { dataset, missing: columns, rows: 0 };
        entry.rows += rows;
        quarantined.set(`${dataset ?? ''}\u0000${columns}`, entry);
      }
    }
  }
  return {
    since,
    total,
    scanned: scan.scanned,
    truncated: scan.truncated,
    byReason: [...groups.values()].sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason)),
    quarantinedRows: [...quarantined.values()].sort((a, b) => b.rows - a.rows),
  };
}
