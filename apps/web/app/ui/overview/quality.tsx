'use client';

import type { PipelineSnapshot } from '../../lib/definitions';
import { Card, Stat } from '../common/card';
import { formatBytes, formatCount, formatDuration, formatTime } from '../common/format';
import { compactCommand, deadLetterCommands, quarantineCommand, staleTablesCommand } from '../../lib/operator-commands';
import { CommandHint } from '../common/command-hint';
import { Loadable } from '../common/loadable';
import { usePipeline } from '../live/live-provider';

/** now − newest curated event time, per dataset. */
export function FreshnessCard({ initial }: { initial: PipelineSnapshot }) {
  const { freshness, generatedAt } = usePipeline(initial);
  return (
    <Card title="Freshness" subtitle="now − newest curated event time" testId="freshness">
      <Loadable loaded={freshness}>
        {(rows) => (
          <table className="table compact">
            <thead>
              <tr>
                <th>dataset</th>
                <th className="num">freshness</th>
                <th>newest event</th>
                <th>last commit</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.dataset} data-testid={`freshness-${row.dataset}`}>
                  <td>{row.dataset}</td>
                  <td className="num">{row.freshnessMs !== null && row.freshnessMs < 0 ? `forecast, ${formatDuration(row.freshnessMs)}` : formatDuration(row.freshnessMs)}</td>
                  <td>{formatTime(row.newestEventTime)}</td>
                  <td>{formatTime(row.lastCuratedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loadable>
      {freshness.ok && <CommandHint command={staleTablesCommand(freshness.data, Date.parse(generatedAt))} />}
    </Card>
  );
}

/** Record fetched → committed to its table, over the most recent commits. */
export function LatencyCard({ initial }: { initial: PipelineSnapshot }) {
  const { latency } = usePipeline(initial);
  return (
    <Card title="End-to-end latency" subtitle="record fetched (_fetched_at) → committed to its table" testId="latency">
      <Loadable loaded={latency}>
        {(data) => (
          <>
            <div className="stats">
              <Stat label="median" value={formatDuration(data.p50Ms)} testId="latency-p50" />
              <Stat label="p95" value={formatDuration(data.p95Ms)} />
              <Stat label="max" value={formatDuration(data.maxMs)} />
            </div>
            <p className="muted small">
              over the last {data.commits} commits ({formatCount(data.records)} records)
            </p>
          </>
        )}
      </Loadable>
    </Card>
  );
}

export function DeadLettersCard({ initial }: { initial: PipelineSnapshot }) {
  const { deadLetters, quarantine } = usePipeline(initial);
  return (
    <Card title="Dead letters & quarantine" subtitle="what the pipeline could not process, and why" testId="dead-letters">
      <Loadable loaded={quarantine}>
        {(data) => (
          <>
            <div className="stats">
              <Stat label="quarantined files" value={formatCount(data.total)} testId="quarantine-total" />
              {deadLetters.ok && <Stat label="dead-letter events" value={formatCount(deadLetters.data.total)} testId="dead-letter-total" />}
            </div>
            {data.byStage.map((stage) => (
              <div key={stage.stage} data-testid={`quarantine-${stage.stage}`}>
                <p className="muted small">{`${stage.stage}: ${stage.files} files (${formatBytes(stage.bytes)}), latest ${formatTime(stage.latestAt)}`}</p>
                <CommandHint command={quarantineCommand(stage.stage)} />
              </div>
            ))}
          </>
        )}
      </Loadable>
      <Loadable loaded={deadLetters}>
        {(data) =>
          data.latest.length === 0 ? (
            <p className="muted">No dead letters. Every reference was processed.</p>
          ) : (
            <>
              <ul className="reasons" data-testid="dead-letter-reasons">
                {data.byReason.map((group) => (
                  <li key={`${group.stage}/${group.reason}`}>
                    <span className="reason">{group.reason}</span> <span className="muted">{group.stage}</span> {formatCount(group.count)}
                    {deadLetterCommands(group).map((command) => (
                      <CommandHint key={command.command} command={command} />
                    ))}
                  </li>
                ))}
              </ul>
              <p className="muted small">latest</p>
              <ul className="reasons">
                {data.latest.slice(0, 5).map((entry) => (
                  <li key={`${entry.occurredAt}/${entry.reason}/${entry.message}`}>
                    <span className="reason">{entry.reason}</span> <span className="muted">{entry.stage}</span> {entry.message}
                    <span className="muted small"> · {formatTime(entry.occurredAt)}</span>
                  </li>
                ))}
              </ul>
            </>
          )
        }
      </Loadable>
    </Card>
  );
}

export function StorageCard({ initial }: { initial: PipelineSnapshot }) {
  const { storage } = usePipeline(initial);
  return (
    <Card title="Lake storage" subtitle="raw vs curated bytes and average file size" testId="storage">
      <Loadable loaded={storage}>
        {(data) => (
          <>
            <div className="stats">
              <Stat label={`raw (${formatCount(data.rawFiles)} files)`} value={formatBytes(data.rawBytes)} testId="storage-raw" />
              <Stat label={`curated (${formatCount(data.curatedFiles)} files)`} value={formatBytes(data.curatedBytes)} testId="storage-curated" />
              <Stat label="curated / raw" value={data.rawBytes === 0 ? '—' : `${((100 * data.curatedBytes) / data.rawBytes).toFixed(0)} %`} />
            </div>
            <table className="table compact">
              <thead>
                <tr>
                  <th>zone</th>
                  <th>name</th>
                  <th className="num">files</th>
                  <th className="num">bytes</th>
                  <th className="num">avg file</th>
                </tr>
              </thead>
              <tbody>
                {data.rows.map((row) => (
                  <tr key={`${row.zone}/${row.name}`}>
                    <td>{row.zone}</td>
                    <td>{row.name}</td>
                    <td className="num">{formatCount(row.files)}</td>
                    <td className="num">{formatBytes(row.bytes)}</td>
                    <td className="num">{formatBytes(row.averageFileBytes)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <CommandHint command={compactCommand(data.rows)} />
          </>
        )}
      </Loadable>
    </Card>
  );
}
