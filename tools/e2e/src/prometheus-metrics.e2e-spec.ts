import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openLineageValidator } from '@fluxo/lineage/testing';
import { WORKSPACE_ROOT, eventually, freePort, PipelineHarness } from '@fluxo/e2e-harness';
import { PrometheusServer } from './support/prometheus-server';
import { everythingCurated, FAST_STREAM_ENV, RECENTCHANGE } from './support/stream-checks';
import { SIX_POLLS_SOURCES } from './support/six-polls';

/** The six recorded all_day polls hold 217 distinct (id, updated) versions (polling-pipeline.e2e-spec.ts). */
const VERSIONS = 217;
const ALERTS = join(WORKSPACE_ROOT, 'docs', 'observability', 'alerts.yml');

/**
 * A real Prometheus (Debian's package) scrapes the running pipeline every second and is asked,
 * through its HTTP query API, whether the series follow the recorded data: curated rows of
 * `earthquakes` reach 217, streamed events are counted from receipt to curation, the normalizer's
 * lag goes back to 0, polls and HTTP statuses are counted, and the example alerting rules load and
 * react to an app that goes away.
 */
describe('metrics scraped by Prometheus while the recorded data flows', () => {
  let pipeline: PipelineHarness;
  let prometheus: PrometheusServer;
  let startedAt: number;

  beforeAll(async () => {
    pipeline = await PipelineHarness.create('prometheus', { replay: { sse: { eventsPerSecond: 400, heartbeatMs: 500 } } });
    const ports = { ingest: await freePort(), normalizer: await freePort(), stream: await freePort() };
    prometheus = await PrometheusServer.start({
      label: 'prometheus-metrics',
      ruleFiles: [ALERTS],
      targets: [
        { job: 'fluxo-ingest', address: `127.0.0.1:${ports.ingest}` },
        { job: 'fluxo-normalizer', address: `127.0.0.1:${ports.normalizer}` },
        { job: 'fluxo-stream-ingest', address: `127.0.0.1:${ports.stream}` },
      ],
    });
    startedAt = Date.now() / 1000;
    await pipeline.startNormalizer({ FLUXO_METRICS_PORT: String(ports.normalizer), FLUXO_LINEAGE_FILE: join(pipeline.dir, 'lineage.jsonl') });
    await pipeline.startIngest(SIX_POLLS_SOURCES, { FLUXO_METRICS_PORT: String(ports.ingest) });
    await pipeline.startStreamIngest(RECENTCHANGE, { ...FAST_STREAM_ENV, FLUXO_METRICS_PORT: String(ports.stream) });
  });
  afterAll(async () => {
    await prometheus?.close();
    await pipeline?.close();
  });

  it('sees the three apps up and ready', async () => {
    await eventually(() => prometheus.query('up{job=~"fluxo-.+"} == 1'), (samples) => samples.length === 3, 'the three targets are up');
    await eventually(() => prometheus.query('fluxo_ready == 1'), (samples) => samples.length === 3, 'the three apps report ready');
    // Every check of the normalizer named and passing (a check may time out once on a loaded machine: wait, do not sample).
    const checks = await eventually(
      () => prometheus.query('fluxo_readiness_check{job="fluxo-normalizer"}'),
      (samples) => samples.length === 5 && samples.every((sample) => sample.value === 1),
      'the normalizer passes its five readiness checks',
    );
    expect(checks.map((s) => s.metric['check']).sort()).toEqual(['catalog', 'engine', 'kafka', 'lake', 'started']);
  });

  it('counts curated rows of earthquakes up to exactly the 217 recorded versions', async () => {
    const curated = 'sum(fluxo_records_written_total{job="fluxo-normalizer", stage="normalizer", dataset="earthquakes"})';
    await eventually(() => prometheus.value(curated), (value) => value === VERSIONS, `${curated} reaches ${VERSIONS}`, 120_000);
    expect(await pipeline.curatedCount('earthquakes')).toBe(VERSIONS); // what the table holds
    // The raw side wrote the same versions once, and the normalizer read all of them.
    expect(await prometheus.value('sum(fluxo_records_written_total{job="fluxo-ingest", stage="ingest", dataset="earthquakes"})')).toBe(VERSIONS);
    await eventually(() => prometheus.value('sum(fluxo_records_read_total{job="fluxo-normalizer", dataset="earthquakes"})'), (value) => value === VERSIONS, 'the normalizer read every raw row');
    // The series moved while the data flowed: over the run it rose, never fell, and ended at 217.
    const values = await eventually(
      async () => (await prometheus.range(curated, startedAt, Date.now() / 1000))[0]?.values ?? [],
      (found) => found[found.length - 1] === VERSIONS,
      'the range query reaches the last scrape',
    );
    expect(values.every((value, index) => index === 0 || value >= (values[index - 1] ?? 0))).toBe(true);
  });

  it('counts streamed events from receipt to curated rows, file by file', async () => {
    const written = (job: string, stageName: string) => `fluxo_records_written_total{job="${job}", stage="${stageName}", dataset="recentchange"}`;
    const stage = (job: string, stageName: string) => `sum(${written(job, stageName)})`;
    await eventually(() => prometheus.value('sum(fluxo_stream_batches_total{job="fluxo-stream-ingest"})'), (value) => (value ?? 0) >= 3, 'three micro-batches flushed');
    expect(await prometheus.value('sum(fluxo_stream_connects_total{job="fluxo-stream-ingest"})')).toBeGreaterThanOrEqual(1);
    expect(await prometheus.value('sum(fluxo_stream_events_accepted_total{job="fluxo-stream-ingest"})')).toBeGreaterThan(0);
    expect(await prometheus.value(stage('fluxo-stream-ingest', 'stream-ingest'))).toBeGreaterThan(0);
    await pipeline.apps.find((app) => app.name.includes('stream-ingest'))?.stop(); // graceful: flushes what it received
    const curated = await everythingCurated(pipeline, RECENTCHANGE, 'recentchange');
    // Its series go stale once it stops (its last scrape may predate the final flush): the normalizer's count must match the table.
    await eventually(() => prometheus.value(stage('fluxo-normalizer', 'normalizer')), (value) => value === curated, 'the normalizer counted every curated recentchange row');
    expect(await prometheus.value(`sum(max_over_time(${written('fluxo-stream-ingest', 'stream-ingest')}[10m]))`)).toBeLessThanOrEqual(curated);
  });

  it('sees the normalizer’s lag return to 0 in messages and in seconds, per partition it owns', async () => {
    const lag = `fluxo_consumer_lag_messages{job="fluxo-normalizer", topic="${pipeline.topics.raw}"}`;
    const partitions = await eventually(() => prometheus.query(lag), (samples) => samples.length === 2 && samples.every((s) => s.value === 0), 'lag is 0 on both partitions');
    expect(partitions.map((s) => s.metric['group'])).toEqual([pipeline.groupId, pipeline.groupId]);
    await eventually(() => prometheus.value(`max(fluxo_consumer_lag_seconds{job="fluxo-normalizer", topic="${pipeline.topics.raw}"})`), (value) => value === 0, 'lag in seconds is 0');
  });

  it('records the commits, the end-to-end latency of every raw file and the Kafka round trips', async () => {
    const raw = await pipeline.references('raw');
    const rawFiles = raw.length;
    const polledFiles = raw.filter((ref) => ref.producer.app === 'ingest').length;
    expect(polledFiles).toBeGreaterThan(0);
    await eventually(
      () => prometheus.value('sum(fluxo_end_to_end_latency_seconds_count{job="fluxo-normalizer", dataset="earthquakes"})'),
      (value) => value === polledFiles,
      'one latency observation per curated raw file',
    );
    expect(await prometheus.value('sum(fluxo_normalizer_commits_total)')).toBeGreaterThanOrEqual(1);
    expect(await prometheus.value('sum(fluxo_normalizer_commit_files_sum)')).toBe(rawFiles);
    const curatedFiles = (await pipeline.references('curated')).length;
    expect(await prometheus.value('sum(fluxo_kafka_produce_duration_seconds_count{job="fluxo-normalizer"})')).toBe(curatedFiles);
    expect(await prometheus.value('sum(fluxo_kafka_produce_duration_seconds_count{job="fluxo-ingest"})')).toBe(polledFiles);
    expect(await prometheus.value('sum(fluxo_kafka_consume_delay_seconds_count{job="fluxo-normalizer"})')).toBeGreaterThanOrEqual(rawFiles);
    expect(await prometheus.value('sum(fluxo_dead_letters_total)')).toBeUndefined(); // clean input: no series at all
  });

  it('emits an OpenLineage START and COMPLETE per commit, valid against the published schema, covering every raw file and curated row', async () => {
    await eventually(() => prometheus.value('sum(fluxo_records_written_total{job="fluxo-normalizer", dataset="earthquakes"})'), (value) => value === VERSIONS, 'curation finished');
    const events = (await readFile(join(pipeline.dir, 'lineage.jsonl'), 'utf8'))
      .trimEnd()
      .split('\n')
      .map(
        (line) =>
          JSON.parse(line) as {
            eventType: string;
            run: { runId: string; facets: { fluxo_commit: { snapshotId: number } } };
            inputs: { name: string; namespace: string }[];
            outputs: { name: string; outputFacets: { outputStatistics: { rowCount: number } } }[];
          },
      );
    const validate = openLineageValidator();
    expect(events.flatMap((event) => validate(event).problems)).toEqual([]);
    const complete = events.filter((event) => event.eventType === 'COMPLETE');
    expect(events.filter((event) => event.eventType === 'START').map((e) => e.run.runId)).toEqual(complete.map((e) => e.run.runId));
    expect(await prometheus.value('sum(fluxo_normalizer_commits_total)')).toBe(new Set(complete.map((event) => event.run.facets.fluxo_commit.snapshotId)).size);
    const earthquakes = complete.filter((event) => event.outputs[0]?.name === 'fluxo.main.earthquakes');
    expect(earthquakes.reduce((sum, event) => sum + (event.outputs[0]?.outputFacets.outputStatistics.rowCount ?? 0), 0)).toBe(VERSIONS);
    expect(new Set(complete.map((event) => event.outputs[0]?.name))).toEqual(new Set(['fluxo.main.earthquakes', 'fluxo.main.recentchange']));
    const rawFiles = complete.flatMap((event) => event.inputs.filter((input) => input.namespace === 'file').map((input) => input.name));
    expect(rawFiles.sort()).toEqual((await pipeline.references('raw')).map((ref) => join(pipeline.lakeDir, ref.uri)).sort());
    expect(complete.every((event) => event.inputs.some((input) => input.name === pipeline.topics.raw))).toBe(true);
    expect(await prometheus.value('sum(fluxo_lineage_events_total{transport="file", outcome="emitted"})')).toBe(events.length);
  });

  it('counts polls by outcome and HTTP attempts by status, and they keep moving', async () => {
    const polls = 'sum(fluxo_ingest_polls_total{job="fluxo-ingest", source="usgs-earthquakes"})';
    const first = await eventually(() => prometheus.value(polls), (value) => (value ?? 0) >= 6, 'six polls at least');
    await eventually(() => prometheus.value(polls), (value) => (value ?? 0) > (first ?? 0), 'more polls later');
    const outcomes = await prometheus.query('sum by (outcome) (fluxo_ingest_polls_total{job="fluxo-ingest"})');
    expect(outcomes.find((s) => s.metric['outcome'] === 'announced')?.value).toBe((await pipeline.references('raw')).filter((ref) => ref.source === 'usgs-earthquakes').length);
    expect(await prometheus.value('sum(fluxo_http_requests_total{job="fluxo-ingest", code="200"})')).toBeGreaterThanOrEqual(6);
    expect(await prometheus.value('max(process_resident_memory_bytes{job="fluxo-normalizer"})')).toBeGreaterThan(0);
  });

  it('loads the example alerting rules, and FluxoAppDown goes pending when an app stops', async () => {
    const rules = await prometheus.rules();
    expect(rules.map((rule) => rule.name)).toEqual(expect.arrayContaining(['FluxoAppDown', 'FluxoConsumerLagHigh', 'FluxoCuratedDataStale', 'FluxoDeadLetterRate']));
    expect(rules.filter((rule) => rule.health !== 'ok')).toEqual([]);
    const appDown = (job: string) => (alert: { labels: Record<string, string> }) => alert.labels['alertname'] === 'FluxoAppDown' && alert.labels['job'] === job;
    expect((await prometheus.alerts()).filter(appDown('fluxo-ingest'))).toEqual([]);

    await pipeline.apps.find((app) => app.name.startsWith('prometheus-ingest-'))?.stop();
    await eventually(
      () => prometheus.alerts(),
      (alerts) => alerts.some((alert) => appDown('fluxo-ingest')(alert) && alert.state === 'pending'),
      'FluxoAppDown is pending for fluxo-ingest',
    );
  });
});
