import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openLineageValidator } from '@fluxo/lineage/testing';
import { WORKSPACE_ROOT } from './support/app-process';
import { eventually, PipelineHarness } from './support/pipeline-harness';
import { freePort, PrometheusServer } from './support/prometheus-server';

const ALL_DAY = 'usgs-earthquakes?feed=all_day&intervalMs=300';
/** The six recorded all_day polls hold 217 distinct (id, updated) versions (polling-pipeline.e2e-spec.ts). */
const VERSIONS = 217;
const ALERTS = join(WORKSPACE_ROOT, 'docs', 'observability', 'alerts.yml');

/**
 * A real Prometheus (Debian's package) scrapes the running pipeline every second and is asked,
 * through its HTTP query API, whether the series follow the recorded data: curated rows of
 * `earthquakes` reach 217, the normalizer's lag goes back to 0, polls and HTTP statuses are counted,
 * and the example alerting rules load and react to an app that goes away.
 */
describe('metrics scraped by Prometheus while the recorded data flows', () => {
  let pipeline: PipelineHarness;
  let prometheus: PrometheusServer;
  let startedAt: number;

  beforeAll(async () => {
    pipeline = await PipelineHarness.create('prometheus');
    const ports = { ingest: await freePort(), normalizer: await freePort() };
    prometheus = await PrometheusServer.start({
      label: 'prometheus-metrics',
      ruleFiles: [ALERTS],
      targets: [
        { job: 'fluxo-ingest', address: `127.0.0.1:${ports.ingest}` },
        { job: 'fluxo-normalizer', address: `127.0.0.1:${ports.normalizer}` },
      ],
    });
    startedAt = Date.now() / 1000;
    await pipeline.startNormalizer({ FLUXO_METRICS_PORT: String(ports.normalizer), FLUXO_LINEAGE_FILE: join(pipeline.dir, 'lineage.jsonl') });
    await pipeline.startIngest(ALL_DAY, { FLUXO_METRICS_PORT: String(ports.ingest) });
  });
  afterAll(async () => {
    await prometheus?.close();
    await pipeline?.close();
  });

  it('sees both apps up and ready', async () => {
    await eventually(() => prometheus.query('up{job=~"fluxo-.+"} == 1'), (samples) => samples.length === 2, 'both targets are up');
    await eventually(() => prometheus.query('fluxo_ready == 1'), (samples) => samples.length === 2, 'both apps report ready');
    const checks = await prometheus.query('fluxo_readiness_check{job="fluxo-normalizer"}');
    expect(checks.map((s) => [s.metric['check'], s.value]).sort()).toEqual([['catalog', 1], ['kafka', 1], ['lake', 1], ['started', 1]]);
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

  it('sees the normalizer’s lag return to 0 in messages and in seconds, per partition it owns', async () => {
    const lag = `fluxo_consumer_lag_messages{job="fluxo-normalizer", topic="${pipeline.topics.raw}"}`;
    const partitions = await eventually(() => prometheus.query(lag), (samples) => samples.length === 2 && samples.every((s) => s.value === 0), 'lag is 0 on both partitions');
    expect(partitions.map((s) => s.metric['group'])).toEqual([pipeline.groupId, pipeline.groupId]);
    await eventually(() => prometheus.value(`max(fluxo_consumer_lag_seconds{job="fluxo-normalizer", topic="${pipeline.topics.raw}"})`), (value) => value === 0, 'lag in seconds is 0');
  });

  it('records the commits, the end-to-end latency of every raw file and the Kafka round trips', async () => {
    const rawFiles = (await pipeline.references('raw')).length;
    expect(rawFiles).toBeGreaterThan(0);
    await eventually(
      () => prometheus.value('sum(fluxo_end_to_end_latency_seconds_count{job="fluxo-normalizer", dataset="earthquakes"})'),
      (value) => value === rawFiles,
      'one latency observation per curated raw file',
    );
    expect(await prometheus.value('sum(fluxo_normalizer_commits_total)')).toBeGreaterThanOrEqual(1);
    expect(await prometheus.value('sum(fluxo_normalizer_commit_files_sum)')).toBe(rawFiles);
    const curatedFiles = (await pipeline.references('curated')).length;
    expect(await prometheus.value('sum(fluxo_kafka_produce_duration_seconds_count{job="fluxo-normalizer"})')).toBe(curatedFiles);
    expect(await prometheus.value('sum(fluxo_kafka_produce_duration_seconds_count{job="fluxo-ingest"})')).toBe(rawFiles);
    expect(await prometheus.value('sum(fluxo_kafka_consume_delay_seconds_count{job="fluxo-normalizer"})')).toBeGreaterThanOrEqual(rawFiles);
    expect(await prometheus.value('sum(fluxo_dead_letters_total)')).toBeUndefined(); // clean input: no series at all
  });

  it('emits an OpenLineage START and COMPLETE per commit, valid against the published schema, covering every raw file and curated row', async () => {
    await eventually(() => prometheus.value('sum(fluxo_records_written_total{job="fluxo-normalizer"})'), (value) => value === VERSIONS, 'curation finished');
    const events = (await readFile(join(pipeline.dir, 'lineage.jsonl'), 'utf8'))
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { eventType: string; run: { runId: string }; inputs: { name: string; namespace: string }[]; outputs: { name: string; outputFacets: { outputStatistics: { rowCount: number } } }[] });
    const validate = openLineageValidator();
    expect(events.flatMap((event) => validate(event).problems)).toEqual([]);
    const complete = events.filter((event) => event.eventType === 'COMPLETE');
    expect(events.filter((event) => event.eventType === 'START').map((e) => e.run.runId)).toEqual(complete.map((e) => e.run.runId));
    expect(await prometheus.value('sum(fluxo_normalizer_commits_total)')).toBe(complete.length);
    expect(complete.reduce((sum, event) => sum + (event.outputs[0]?.outputFacets.outputStatistics.rowCount ?? 0), 0)).toBe(VERSIONS);
    expect(new Set(complete.map((event) => event.outputs[0]?.name))).toEqual(new Set(['fluxo.main.earthquakes']));
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
    expect(outcomes.find((s) => s.metric['outcome'] === 'announced')?.value).toBe((await pipeline.references('raw')).length);
    expect(await prometheus.value('sum(fluxo_http_requests_total{job="fluxo-ingest", code="200"})')).toBeGreaterThanOrEqual(6);
    expect(await prometheus.value('max(process_resident_memory_bytes{job="fluxo-normalizer"})')).toBeGreaterThan(0);
  });

  it('loads the example alerting rules, and FluxoAppDown goes pending when an app stops', async () => {
    const rules = await prometheus.rules();
    expect(rules.map((rule) => rule.name)).toEqual(expect.arrayContaining(['FluxoAppDown', 'FluxoConsumerLagHigh', 'FluxoCuratedDataStale', 'FluxoDeadLetterRate']));
    expect(rules.filter((rule) => rule.health !== 'ok')).toEqual([]);
    expect((await prometheus.alerts()).filter((alert) => alert.labels['alertname'] === 'FluxoAppDown')).toEqual([]);

    await pipeline.apps.find((app) => app.name.includes('ingest'))?.stop();
    await eventually(
      () => prometheus.alerts(),
      (alerts) => alerts.some((alert) => alert.labels['alertname'] === 'FluxoAppDown' && alert.labels['job'] === 'fluxo-ingest' && alert.state === 'pending'),
      'FluxoAppDown is pending for fluxo-ingest',
    );
  });
});
