'use client';

import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { WeatherView } from '../../lib/definitions';
import { AXIS, colorAt, GRID, TOOLTIP_STYLE } from '../common/chart-colors';
import { Card, Stat } from '../common/card';
import { formatCount, formatDecimal, formatShortTime, formatTime } from '../common/format';
import { Loadable } from '../common/loadable';
import { useLiveView } from '../live/live-provider';

type Props = { initial: WeatherView };

export function WeatherSummary({ initial }: Props) {
  const { summary } = useLiveView(initial);
  return (
    <Card title="Forecast data" subtitle="Open-Meteo hourly temperature at 2 m" testId="weather-summary" wide>
      <Loadable loaded={summary}>
        {(data) => (
          <div className="stats">
            <Stat label="locations" value={formatCount(data.locations)} testId="weather-locations" />
            <Stat label="hours covered" value={formatCount(data.hours)} testId="weather-hours" />
            <Stat label="rows (all revisions)" value={formatCount(data.revisions)} testId="weather-revisions" />
            <Stat label="coldest / warmest" value={`${formatDecimal(data.minTemperatureC, 1)} / ${formatDecimal(data.maxTemperatureC, 1)} °C`} />
            <Stat label="last fetched" value={<span className="small">{formatTime(data.lastFetchedAt)}</span>} />
          </div>
        )}
      </Loadable>
    </Card>
  );
}

export function TemperatureChart({ initial }: Props) {
  const { temperature } = useLiveView(initial);
  return (
    <Card title="Temperature over time" subtitle="latest forecast revision per hour, last 10 days of valid times" testId="weather-chart" wide>
      <Loadable loaded={temperature}>
        {(data) => {
          const rows = data.points.map((point) => ({ at: point.at, ...point.values }));
          const now = new Date().toISOString();
          const showNow = rows.length > 0 && (rows[0]?.at ?? now) <= now && now <= (rows.at(-1)?.at ?? now);
          return (
            <ResponsiveContainer width="100%" height={340}>
              <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
                <CartesianGrid stroke={GRID} strokeDasharray="3 3" />
                <XAxis dataKey="at" tickFormatter={(value: string) => formatShortTime(value)} {...AXIS} minTickGap={50} />
                <YAxis {...AXIS} width={44} unit="°" />
                <Tooltip contentStyle={TOOLTIP_STYLE} labelFormatter={(value) => formatTime(String(value))} formatter={(value) => `${formatDecimal(Number(value), 1)} °C`} />
                <Legend />
                {showNow && <ReferenceLine x={now} stroke="#8b949e" strokeDasharray="4 4" label={{ value: 'now', fill: '#8b949e', fontSize: 11 }} />}
                {data.locations.map((location, index) => (
                  <Line
                    key={location.id}
                    dataKey={location.id}
                    name={`${location.latitude.toFixed(2)}, ${location.longitude.toFixed(2)}${location.elevationM === null ? '' : ` (${Math.round(location.elevationM)} m)`}`}
                    stroke={colorAt(index + 1)}
                    dot={false}
                    strokeWidth={2}
                    isAnimationActive={false}
                    connectNulls
                  />
                ))}
              </LineChart>
            </ResponsiveContainer>
          );
        }}
      </Loadable>
    </Card>
  );
}
