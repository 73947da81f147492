'use client';

import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { DatasetView } from '../../lib/definitions';
import { AXIS, GRID, TOOLTIP_STYLE } from '../common/chart-colors';
import { Card, Stat } from '../common/card';
import { formatBytes, formatCount, formatDecimal, formatDuration, formatShortTime, formatTime } from '../common/format';
import { Loadable } from '../common/loadable';
import { useLiveView } from '../live/live-provider';

type Props = { initial: DatasetView };

export function DatasetInfoCard({ initial }: Props) {
  const { info, dataset } = useLiveView(initial);
  return (
    <Card title="Dataset" subtitle={dataset} testId="dataset-info" wide>
      <Loadable loaded={info}>
        {(data) => (
          <>
            <div className="stats">
              <Stat label="rows" value={formatCount(data.rows)} testId="dataset-rows" />
              <Stat label="files" value={formatCount(data.files)} testId="dataset-files" />
              <Stat label="size" value={formatBytes(data.bytes)} />
              <Stat label="columns" value={formatCount(data.columns.length)} />
            </div>
            {data.description !== null && <p className="muted">{data.description}</p>}
          </>
        )}
      </Loadable>
    </Card>
  );
}

export function RowsOverTime({ initial }: Props) {
  const { rowsOverTime } = useLiveView(initial);
  return (
    <Card title="Rows over time" subtitle="rows per bucket of the dataset's time column" testId="dataset-rows-over-time" wide>
      <Loadable loaded={rowsOverTime}>
        {(data) => (
          <>
            <ResponsiveContainer width="100%" height={220}>
              <BarChart data={data.points} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
                <CartesianGrid stroke={GRID} strokeDasharray="3 3" />
                <XAxis dataKey="at" tickFormatter={(value: string) => formatShortTime(value)} {...AXIS} minTickGap={40} />
                <YAxis {...AXIS} width={48} allowDecimals={false} />
                <Tooltip contentStyle={TOOLTIP_STYLE} labelFormatter={(value) => formatTime(String(value))} />
                <Bar dataKey="rows" fill="#7ee787" isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
            <p className="muted small">bucket: {formatDuration(data.bucketMs)}</p>
          </>
        )}
      </Loadable>
    </Card>
  );
}

export function NumericSummaries({ initial }: Props) {
  const { numeric } = useLiveView(initial);
  return (
    <Card title="Numeric columns" subtitle="min, mean, max and nulls over every row" testId="dataset-numeric" wide>
      <Loadable loaded={numeric}>
        {(rows) =>
          rows.length === 0 ? (
            <p className="muted">This dataset has no numeric columns.</p>
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th>column</th>
                  <th className="num">min</th>
                  <th className="num">mean</th>
                  <th className="num">max</th>
                  <th className="num">values</th>
                  <th className="num">nulls</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={row.column} data-testid={`numeric-${row.column}`}>
                    <td className="mono">{row.column}</td>
                    <td className="num">{formatDecimal(row.min)}</td>
                    <td className="num">{formatDecimal(row.mean)}</td>
                    <td className="num">{formatDecimal(row.max)}</td>
                    <td className="num">{formatCount(row.count)}</td>
                    <td className="num">{formatCount(row.nulls)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loadable>
    </Card>
  );
}

export function LatestRows({ initial }: Props) {
  const { latestRows } = useLiveView(initial);
  return (
    <Card title="Latest rows" subtitle="newest 20 by the time column" testId="dataset-latest" wide>
      <Loadable loaded={latestRows}>
        {(data) => (
          <table className="table compact">
            <thead>
              <tr>
                {data.columns.map((column) => (
                  <th key={column} className="mono">
                    {column}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {data.rows.map((row, index) => (
                <tr key={index}>
                  {data.columns.map((column) => {
                    const value = row[column];
                    return (
                      <td key={column} className={typeof value === 'number' ? 'num' : 'ellipsis'}>
                        {value === null || value === undefined ? <span className="muted">null</span> : typeof value === 'number' ? formatDecimal(value) : String(value)}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loadable>
    </Card>
  );
}
