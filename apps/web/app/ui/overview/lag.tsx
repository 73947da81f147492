'use client';

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { PipelineSnapshot } from '../../lib/definitions';
import { AXIS, colorAt, GRID, TOOLTIP_STYLE } from '../common/chart-colors';
import { Card } from '../common/card';
import { formatClock, formatCount, formatDuration } from '../common/format';
import { lagCommand } from '../../lib/operator-commands';
import { CommandHint } from '../common/command-hint';
import { Loadable } from '../common/loadable';
import { usePipeline } from '../live/live-provider';

/** Consumer lag per group, topic and partition, in messages and in time (age of the oldest unprocessed reference). */
export function LagCard({ initial }: { initial: PipelineSnapshot }) {
  const { lag } = usePipeline(initial);
  return (
    <Card title="Consumer lag" subtitle="per partition: messages behind, and how old the oldest unprocessed reference is" testId="lag">
      <Loadable loaded={lag}>
        {(data) => (
          <>
            <table className="table compact">
              <thead>
                <tr>
                  <th>consumer · topic</th>
                  <th>p</th>
                  <th className="num">committed</th>
                  <th className="num">end</th>
                  <th className="num">lag</th>
                  <th className="num">oldest wait</th>
                </tr>
              </thead>
              <tbody>
                {data.groups.flatMap((group) =>
                  group.partitions.map((partition, index) => (
                    <tr key={`${group.groupId}/${group.topic}/${partition.partition}`} data-testid={`lag-${group.role}-${partition.partition}`}>
                      <td>
                        {index === 0 && (
                          <span title={`group ${group.groupId} on topic ${group.topic}`}>
                            <strong>{group.role}</strong>
                            <div className="muted small ellipsis" style={{ maxWidth: 150 }}>
                              {group.topic}
                            </div>
                          </span>
                        )}
                      </td>
                      <td>{partition.partition}</td>
                      <td className="num">{partition.committedOffset ?? '—'}</td>
                      <td className="num">{partition.endOffset}</td>
                      <td className={partition.lag > 0 ? 'num warn' : 'num'}>{formatCount(partition.lag)}</td>
                      <td className="num">{partition.lag === 0 ? 'caught up' : formatDuration(partition.oldestUnprocessedAgeMs)}</td>
                    </tr>
                  )),
                )}
              </tbody>
            </table>
            <CommandHint command={lagCommand(data.groups)} />
          </>
        )}
      </Loadable>
    </Card>
  );
}

export function LagTrendChart({ initial }: { initial: PipelineSnapshot }) {
  const { lag } = usePipeline(initial);
  return (
    <Card title="Lag trend" subtitle="total messages behind, sampled every status interval" testId="lag-trend">
      <Loadable loaded={lag}>
        {(data) => {
          const series = data.groups.map((group) => ({ key: `${group.groupId}@${group.topic}`, label: `${group.role} (${group.topic})` }));
          const rows = data.trend.map((sample) => ({ at: sample.at, ...sample.lag }));
          return (
            <ResponsiveContainer width="100%" height={200}>
              <LineChart data={rows} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
                <CartesianGrid stroke={GRID} strokeDasharray="3 3" />
                <XAxis dataKey="at" tickFormatter={(value: string) => formatClock(value)} {...AXIS} minTickGap={40} />
                <YAxis {...AXIS} width={40} allowDecimals={false} />
                <Tooltip contentStyle={TOOLTIP_STYLE} labelFormatter={(value) => `${formatClock(String(value))} UTC`} />
                <Legend />
                {series.map((entry, index) => (
                  <Line key={entry.key} dataKey={entry.key} name={entry.label} stroke={colorAt(index)} dot={false} isAnimationActive={false} />
                ))}
              </LineChart>
            </ResponsiveContainer>
          );
        }}
      </Loadable>
    </Card>
  );
}
