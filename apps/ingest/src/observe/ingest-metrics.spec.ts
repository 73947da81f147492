import { createMetricsRegistry } from '@fluxo/metrics';
import type { PollOutcome } from '../poll/source-poller';
import { IngestMetrics } from './ingest-metrics';

describe('IngestMetrics', () => {
  it('counts polls by outcome (failures included, rethrown) and stamps the last success', async () => {
    const registry = createMetricsRegistry({ app: 'ingest', version: '1', processMetrics: false });
    const metrics = new IngestMetrics(registry);
    const outcomes: (PollOutcome | Error)[] = [{ kind: 'not-modified' }, { kind: 'unchanged', records: 3 }, new Error('HTTP 503'), { kind: 'quarantined', reason: 'MALFORMED_BODY', uri: 'q' }];
    const poller = metrics.measured({
      name: 'usgs-earthquakes',
      poll: () => {
        const next = outcomes.shift();
        return next instanceof Error ? Promise.reject(next) : Promise.resolve(next ?? { kind: 'not-modified' });
      },
    });
    await poller.poll();
    await poller.poll();
    await expect(poller.poll()).rejects.toThrow('HTTP 503');
    await poller.poll();
    const text = await registry.metrics();
    for (const outcome of ['not_modified', 'unchanged', 'failed', 'quarantined']) expect(text).toContain(`fluxo_ingest_polls_total{source="usgs-earthquakes",outcome="${outcome}"} 1`);
    expect(text).toContain('fluxo_ingest_poll_duration_seconds_count{source="usgs-earthquakes"} 4');
    expect(text).toMatch(/fluxo_ingest_last_success_timestamp_seconds\{source="usgs-earthquakes"\} \d+/);
  });

  it('counts HTTP attempts by status or error code, and retries by their cause', async () => {
    const registry = createMetricsRegistry({ app: 'ingest', version: '1', processMetrics: false });
    const observer = new IngestMetrics(registry).http('open-meteo-forecast');
    observer.attempted('503', 20);
    observer.retrying('503');
    observer.attempted('HTTP_TIMEOUT', 1500);
    observer.retrying('HTTP_TIMEOUT');
    observer.attempted('200', 40);
    const text = await registry.metrics();
    expect(text).toContain('fluxo_http_requests_total{source="open-meteo-forecast",code="503"} 1');
    expect(text).toContain('fluxo_http_requests_total{source="open-meteo-forecast",code="HTTP_TIMEOUT"} 1');
    expect(text).toContain('fluxo_http_requests_total{source="open-meteo-forecast",code="200"} 1');
    expect(text).toContain('fluxo_http_retries_total{source="open-meteo-forecast",reason="503"} 1');
    expect(text).toContain('fluxo_http_request_duration_seconds_sum{source="open-meteo-forecast"} 1.56');
  });
});
