import type { DeadLetterFields, FileReferenceFields } from '@fluxo/schema';
import { measuredAnnouncer, PipelineMetrics } from './pipeline-metrics';
import { createMetricsRegistry } from './registry';
import { totalsCounter } from './totals';

const reference = (dataset: string, rows: number, bytes: number, maxEventTime: string | null) => ({ dataset, rows, bytes, maxEventTime }) as FileReferenceFields;

async function value(registry: ReturnType<typeof createMetricsRegistry>, name: string, labels: Record<string, string>): Promise<number | undefined> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  return metric?.values.find((v) => Object.entries(labels).every(([key, expected]) => v.labels[key] === expected))?.value;
}

describe('measuredAnnouncer', () => {
  it('counts files, records and bytes per stage and dataset once the broker acknowledged them', async () => {
    const registry = createMetricsRegistry({ app: 'ingest', version: '1', processMetrics: false });
    const metrics = new PipelineMetrics(registry, 'ingest');
    const sent: string[] = [];
    const announcer = measuredAnnouncer(
      { announce: async (r) => void sent.push(r.dataset), deadLetter: async (e) => void sent.push(e.reason) },
      metrics,
      { files: 'raw', deadLetter: 'dlq' },
    );
    await announcer.announce(reference('earthquakes', 10, 2048, '2026-01-01T00:00:10.000Z'));
    await announcer.announce(reference('earthquakes', 5, 1024, '2026-01-01T00:00:05.000Z'));
    await announcer.deadLetter({ reason: 'MALFORMED_BODY' } as DeadLetterFields);

    expect(sent).toEqual(['earthquakes', 'earthquakes', 'MALFORMED_BODY']);
    const labels = { stage: 'ingest', dataset: 'earthquakes' };
    expect(await value(registry, 'fluxo_files_written_total', labels)).toBe(2);
    expect(await value(registry, 'fluxo_records_written_total', labels)).toBe(15);
    expect(await value(registry, 'fluxo_bytes_written_total', labels)).toBe(3072);
    expect(await value(registry, 'fluxo_newest_event_time_seconds', labels)).toBe(Date.parse('2026-01-01T00:00:10.000Z') / 1000);
    expect(await value(registry, 'fluxo_dead_letters_total', { stage: 'ingest', reason: 'MALFORMED_BODY' })).toBe(1);
    const text = await registry.metrics();
    expect(text).toContain('fluxo_file_records_bucket{le="16",stage="ingest",dataset="earthquakes"} 2');
    expect(text).toContain('fluxo_kafka_produce_duration_seconds_count{topic="raw"} 2');
  });

  it('counts a publish the broker refused as an error, not as a file, and rethrows it', async () => {
    const registry = createMetricsRegistry({ app: 'ingest', version: '1', processMetrics: false });
    const metrics = new PipelineMetrics(registry, 'ingest');
    const announcer = measuredAnnouncer({ announce: () => Promise.reject(new Error('not acknowledged')), deadLetter: () => Promise.resolve() }, metrics, { files: 'raw', deadLetter: 'dlq' });
    await expect(announcer.announce(reference('earthquakes', 1, 1, null))).rejects.toThrow('not acknowledged');
    expect(await value(registry, 'fluxo_kafka_produce_errors_total', { topic: 'raw' })).toBe(1);
    expect(await value(registry, 'fluxo_files_written_total', { stage: 'ingest' })).toBeUndefined();
  });
});

describe('totalsCounter', () => {
  it('reports the totals the app keeps, read at scrape time', async () => {
    const registry = createMetricsRegistry({ app: 'stream-ingest', version: '1', processMetrics: false });
    const totals = { a: 3, b: 0 };
    totalsCounter({ name: 'fluxo_test_events_total', help: 'test', labelNames: ['stream'], registry, read: () => Object.entries(totals).map(([stream, v]) => ({ labels: { stream }, value: v })) });
    expect(await registry.metrics()).toContain('fluxo_test_events_total{stream="a"} 3');
    totals.a = 7;
    totals.b = 1;
    const text = await registry.metrics();
    expect(text).toContain('fluxo_test_events_total{stream="a"} 7');
    expect(text).toContain('fluxo_test_events_total{stream="b"} 1');
  });
});
