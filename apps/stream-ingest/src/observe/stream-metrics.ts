import { Gauge, totalsCounter, type Registry } from '@fluxo/metrics';
import type { StreamStats } from '../stream-stats';

export interface MeasuredStream {
  readonly name: string;
  snapshot(): StreamStats;
}

/** Counter families read from each stream's `StreamStats` at scrape time: the hot path pays nothing. */
const TOTALS: readonly { readonly name: string; readonly help: string; readonly field: keyof StreamStats }[] = [
  { name: 'fluxo_stream_messages_received_total', help: 'Messages received (events, malformed and oversized ones)', field: 'received' },
  { name: 'fluxo_stream_events_accepted_total', help: 'Events taken into a batch', field: 'accepted' },
  { name: 'fluxo_stream_events_duplicate_total', help: 'Events dropped as already seen (dedup window)', field: 'duplicates' },
  { name: 'fluxo_stream_messages_malformed_total', help: 'Messages dead-lettered as malformed or oversized', field: 'malformed' },
  { name: 'fluxo_stream_messages_ignored_total', help: 'Messages of an event type the definition does not take', field: 'ignored' },
  { name: 'fluxo_stream_gaps_total', help: 'Gaps detected (reconnects that may have missed events)', field: 'gaps' },
  { name: 'fluxo_stream_batches_total', help: 'Micro-batches flushed', field: 'batches' },
  { name: 'fluxo_stream_connects_total', help: 'Connections opened', field: 'connects' },
  { name: 'fluxo_stream_reconnects_total', help: 'Reconnections after a drop', field: 'reconnects' },
  { name: 'fluxo_stream_stalls_total', help: 'Connections dropped for silence', field: 'stalls' },
  { name: 'fluxo_stream_backpressure_pauses_total', help: 'Times reading paused because the buffer was full', field: 'backpressurePauses' },
  { name: 'fluxo_stream_flush_failures_total', help: 'Flush attempts that failed and were retried', field: 'flushFailures' },
];

/**
 * stream-ingest's own families, `{stream}`-labelled (files, records, bytes, dead letters and Kafka
 * produce latency are the shared `PipelineMetrics`, recorded by the measured announcer):
 * the `StreamStats` counters as `fluxo_stream_*_total`, `fluxo_stream_backpressure_paused_seconds_total`
 * and the buffer depth `fluxo_stream_buffer_events`.
 */
export function registerStreamMetrics(registry: Registry, streams: () => readonly MeasuredStream[]): void {
  const read = (field: keyof StreamStats, scale = 1) => () => streams().map((stream) => ({ labels: { stream: stream.name }, value: stream.snapshot()[field] * scale }));
  for (const total of TOTALS) totalsCounter({ name: total.name, help: total.help, labelNames: ['stream'], registry, read: read(total.field) });
  totalsCounter({ name: 'fluxo_stream_backpressure_paused_seconds_total', help: 'Time reading was paused by backpressure', labelNames: ['stream'], registry, read: read('backpressurePausedMs', 1 / 1000) });
  new Gauge({
    name: 'fluxo_stream_buffer_events',
    help: 'Events waiting between the connection and the batcher',
    labelNames: ['stream'] as const,
    registers: [registry],
    collect() {
      for (const stream of streams()) this.set({ stream: stream.name }, stream.snapshot().bufferDepth);
    },
  });
}
