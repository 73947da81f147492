'use client';

import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis, ZAxis, Cell } from 'recharts';
import type { EarthquakeView, QuakePoint } from '../../lib/definitions';
import { AXIS, GRID, TOOLTIP_STYLE } from '../common/chart-colors';
import { Card, Stat } from '../common/card';
import { formatCount, formatDecimal, formatShortTime, formatTime } from '../common/format';
import { Loadable } from '../common/loadable';
import { useLiveView } from '../live/live-provider';

type Props = { initial: EarthquakeView };

function magnitudeColor(magnitude: number | null): string {
  if (magnitude === null) return '#8b949e';
  if (magnitude >= 5) return '#ff7b72';
  if (magnitude >= 4) return '#ffa657';
  if (magnitude >= 3) return '#e3b341';
  if (magnitude >= 2) return '#7ee787';
  return '#5eb1ff';
}

export function QuakeSummary({ initial }: Props) {
  const { summary } = useLiveView(initial);
  return (
    <Card title="Summary" subtitle="latest version of each event in the window" testId="eq-summary" wide>
      <Loadable loaded={summary}>
        {(data) => (
          <div className="stats">
            <Stat label="events" value={formatCount(data.events)} testId="eq-events" />
            <Stat label="versions (updates)" value={formatCount(data.versions)} testId="eq-versions" />
            <Stat label="largest magnitude" value={formatDecimal(data.maxMagnitude, 1)} testId="eq-max-magnitude" />
            <Stat label="window" value={<span className="small">{data.windowStart === null ? 'all data' : `${formatTime(data.windowStart)} →`}</span>} hint={`ends at newest event: ${formatTime(data.windowEnd)}`} />
          </div>
        )}
      </Loadable>
    </Card>
  );
}

export function QuakeMap({ initial }: Props) {
  const { map } = useLiveView(initial);
  return (
    <Card title="Where" subtitle="longitude / latitude, sized and coloured by magnitude" testId="eq-map" wide>
      <Loadable loaded={map}>
        {(points) => (
          <ResponsiveContainer width="100%" height={380}>
            <ScatterChart margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
              <CartesianGrid stroke={GRID} strokeDasharray="3 3" />
              <XAxis type="number" dataKey="longitude" name="longitude" domain={[-180, 180]} ticks={[-180, -120, -60, 0, 60, 120, 180]} unit="°" {...AXIS} />
              <YAxis type="number" dataKey="latitude" name="latitude" domain={[-90, 90]} ticks={[-90, -60, -30, 0, 30, 60, 90]} unit="°" {...AXIS} width={44} />
              <ZAxis type="number" dataKey="size" range={[12, 420]} />
              <Tooltip
                contentStyle={TOOLTIP_STYLE}
                content={({ payload }) => {
                  const point = payload?.[0]?.payload as (QuakePoint & { size: number }) | undefined;
                  if (point === undefined) return null;
                  return (
                    <div style={{ ...TOOLTIP_STYLE, padding: 8 }}>
                      <strong>M {formatDecimal(point.magnitude, 1)}</strong> {point.place ?? point.eventId}
                      <div className="muted small">
                        {formatTime(point.eventTime)} · depth {formatDecimal(point.depthKm, 1)} km
                      </div>
                    </div>
                  );
                }}
              />
              <Scatter data={points.map((point) => ({ ...point, size: Math.pow(Math.max(point.magnitude ?? 0, 0) + 1, 2.2) }))} isAnimationActive={false}>
                {points.map((point) => (
                  <Cell key={point.eventId} fill={magnitudeColor(point.magnitude)} fillOpacity={0.7} />
                ))}
              </Scatter>
            </ScatterChart>
          </ResponsiveContainer>
        )}
      </Loadable>
    </Card>
  );
}

export function MagnitudeHistogram({ initial }: Props) {
  const { histogram } = useLiveView(initial);
  return (
    <Card title="Magnitudes" subtitle="events per half-magnitude bin" testId="eq-histogram">
      <Loadable loaded={histogram}>
        {(bins) => (
          <ResponsiveContainer width="100%" height={220}>
            <BarChart data={bins.map((bin) => ({ ...bin, label: bin.bin.toFixed(1) }))} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
              <CartesianGrid stroke={GRID} strokeDasharray="3 3" />
              <XAxis dataKey="label" {...AXIS} />
              <YAxis {...AXIS} width={40} allowDecimals={false} />
              <Tooltip contentStyle={TOOLTIP_STYLE} labelFormatter={(label) => `M ${String(label)} – ${(Number(label) + 0.5).toFixed(1)}`} />
              <Bar dataKey="count" name="events" isAnimationActive={false}>
                {bins.map((bin) => (
                  <Cell key={bin.bin} fill={magnitudeColor(bin.bin)} />
                ))}
              </Bar>
            </BarChart>
          </ResponsiveContainer>
        )}
      </Loadable>
    </Card>
  );
}

export function QuakeTimeline({ initial }: Props) {
  const { timeline } = useLiveView(initial);
  return (
    <Card title="Events over time" subtitle="events per time bucket (UTC)" testId="eq-timeline">
      <Loadable loaded={timeline}>
        {(data) => (
          <ResponsiveContainer width="100%" height={220}>
            <BarChart data={data.points} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
              <CartesianGrid stroke={GRID} strokeDasharray="3 3" />
              <XAxis dataKey="at" tickFormatter={(value: string) => formatShortTime(value)} {...AXIS} minTickGap={40} />
              <YAxis {...AXIS} width={40} allowDecimals={false} />
              <Tooltip contentStyle={TOOLTIP_STYLE} labelFormatter={(value) => formatTime(String(value))} />
              <Bar dataKey="count" name="events" fill="#5eb1ff" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        )}
      </Loadable>
    </Card>
  );
}

export function LatestQuakes({ initial }: Props) {
  const { latest } = useLiveView(initial);
  return (
    <Card title="Latest events" subtitle="newest first; latest version per event" testId="eq-latest" wide>
      <Loadable loaded={latest}>
        {(rows) => (
          <table className="table">
            <thead>
              <tr>
                <th>time</th>
                <th className="num">mag</th>
                <th>place</th>
                <th className="num">depth</th>
                <th>status</th>
                <th className="num">versions</th>
                <th>event</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.eventId} data-testid="eq-row">
                  <td>{formatTime(row.eventTime)}</td>
                  <td className="num" style={{ color: magnitudeColor(row.magnitude) }}>
                    {formatDecimal(row.magnitude, 1)} <span className="muted small">{row.magnitudeType}</span>
                  </td>
                  <td>{row.place ?? '—'}</td>
                  <td className="num">{formatDecimal(row.depthKm, 1)} km</td>
                  <td>{row.status ?? '—'}</td>
                  <td className="num">{row.versions}</td>
                  <td className="mono">{row.eventId}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loadable>
    </Card>
  );
}
