'use client';

import { Area, AreaChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { PipelineSnapshot } from '../../lib/definitions';
import { AXIS, GRID, STAGE_COLORS, TOOLTIP_STYLE } from '../common/chart-colors';
import { Card } from '../common/card';
import { formatClock } from '../common/format';
import { Loadable } from '../common/loadable';
import { usePipeline } from '../live/live-provider';

export function ThroughputChart({ initial }: { initial: PipelineSnapshot }) {
  const { throughput } = usePipeline(initial);
  return (
    <Card title="Records per minute" subtitle="last 30 minutes, by stage (from lake file times and footers)" testId="throughput">
      <Loadable loaded={throughput}>
        {(data) => {
          const stages = ['ingest', 'stream-ingest', 'normalizer'].filter((stage) => data.perMinute.some((point) => (point.records[stage] ?? 0) > 0));
          const rows = data.perMinute.map((point) => ({ minute: point.minute, ...point.records }));
          return (
            <ResponsiveContainer width="100%" height={220}>
              <AreaChart data={rows} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
                <CartesianGrid stroke={GRID} strokeDasharray="3 3" />
                <XAxis dataKey="minute" tickFormatter={(value: string) => formatClock(value).slice(0, 5)} {...AXIS} minTickGap={30} />
                <YAxis {...AXIS} width={48} allowDecimals={false} />
                <Tooltip contentStyle={TOOLTIP_STYLE} labelFormatter={(value) => `${formatClock(String(value))} UTC`} />
                <Legend />
                {stages.map((stage) => (
                  <Area key={stage} type="monotone" dataKey={stage} stroke={STAGE_COLORS[stage]} fill={STAGE_COLORS[stage]} fillOpacity={0.25} isAnimationActive={false} />
                ))}
              </AreaChart>
            </ResponsiveContainer>
          );
        }}
      </Loadable>
    </Card>
  );
}
