'use client';

import { Area, AreaChart, Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { WikipediaView } from '../../lib/definitions';
import { AXIS, colorAt, GRID, TOOLTIP_STYLE } from '../common/chart-colors';
import { Card, Stat } from '../common/card';
import { formatClock, formatCount, formatTime } from '../common/format';
import { Loadable } from '../common/loadable';
import { useLiveView } from '../live/live-provider';

type Props = { initial: WikipediaView };

export function WikiSummary({ initial }: Props) {
  const { summary } = useLiveView(initial);
  return (
    <Card title="Edits" subtitle="Wikimedia recentchange, last hour of data" testId="wiki-summary" wide>
      <Loadable loaded={summary}>
        {(data) => (
          <div className="stats">
            <Stat label="edits" value={formatCount(data.edits)} testId="wiki-edits" />
            <Stat label="wikis" value={formatCount(data.wikis)} />
            <Stat label="by bots" value={`${(data.botShare * 100).toFixed(0)} %`} />
            <Stat label="newest edit" value={<span className="small">{formatTime(data.windowEnd)}</span>} />
          </div>
        )}
      </Loadable>
    </Card>
  );
}

export function EditsPerMinute({ initial }: Props) {
  const { perMinute } = useLiveView(initial);
  return (
    <Card title="Edits per minute by wiki" subtitle="top wikis, the rest as “other”" testId="wiki-per-minute">
      <Loadable loaded={perMinute}>
        {(data) => (
          <ResponsiveContainer width="100%" height={240}>
            <AreaChart data={data.points.map((point) => ({ at: point.at, ...point.counts }))} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
              <CartesianGrid stroke={GRID} strokeDasharray="3 3" />
              <XAxis dataKey="at" tickFormatter={(value: string) => formatClock(value).slice(0, 5)} {...AXIS} minTickGap={30} />
              <YAxis {...AXIS} width={40} allowDecimals={false} />
              <Tooltip contentStyle={TOOLTIP_STYLE} labelFormatter={(value) => formatTime(String(value))} />
              <Legend />
              {data.wikis.map((wiki, index) => (
                <Area key={wiki} type="monotone" dataKey={wiki} stackId="wikis" stroke={colorAt(index)} fill={colorAt(index)} fillOpacity={0.35} isAnimationActive={false} />
              ))}
            </AreaChart>
          </ResponsiveContainer>
        )}
      </Loadable>
    </Card>
  );
}

export function BotsVsHumans({ initial }: Props) {
  const { botsVsHumans } = useLiveView(initial);
  return (
    <Card title="Bots vs humans" subtitle="edits per minute" testId="wiki-bots">
      <Loadable loaded={botsVsHumans}>
        {(rows) => (
          <ResponsiveContainer width="100%" height={240}>
            <BarChart data={rows} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
              <CartesianGrid stroke={GRID} strokeDasharray="3 3" />
              <XAxis dataKey="at" tickFormatter={(value: string) => formatClock(value).slice(0, 5)} {...AXIS} minTickGap={30} />
              <YAxis {...AXIS} width={40} allowDecimals={false} />
              <Tooltip contentStyle={TOOLTIP_STYLE} labelFormatter={(value) => formatTime(String(value))} />
              <Legend />
              <Bar dataKey="humans" stackId="who" fill="#5eb1ff" isAnimationActive={false} />
              <Bar dataKey="bots" stackId="who" fill="#ffb454" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        )}
      </Loadable>
    </Card>
  );
}

export function TopPages({ initial }: Props) {
  const { topPages } = useLiveView(initial);
  return (
    <Card title="Top pages" subtitle="most edited in the last hour of data" testId="wiki-top-pages" wide>
      <Loadable loaded={topPages}>
        {(rows) => (
          <table className="table">
            <thead>
              <tr>
                <th>wiki</th>
                <th>page</th>
                <th className="num">edits</th>
                <th className="num">bytes changed</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={`${row.wiki}/${row.title}`}>
                  <td>{row.wiki}</td>
                  <td>{row.title}</td>
                  <td className="num">{formatCount(row.edits)}</td>
                  <td className="num">{row.sizeDelta > 0 ? `+${formatCount(row.sizeDelta)}` : formatCount(row.sizeDelta)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loadable>
    </Card>
  );
}
