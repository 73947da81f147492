/**
 * The 217/200 end-to-end suite, shared by the specs that run it against each Kafka flavour
 * (polling-pipeline: KRaft 4.x; polling-pipeline-zookeeper: Kafka 3.9 on ZooKeeper) and each
 * normalizer engine (polling-pipeline-spark: Spark through Spark Connect).
 */
import { join } from 'node:path';
import { Lake, sqlString } from '@fluxo/parquet-io';
import { inspectWithPyarrow } from '@fluxo/parquet-io/testing';
import type { KafkaCluster } from './kafka-clusters';
import { PipelineHarness } from '@fluxo/e2e-harness';
import { SIX_POLLS_EXPECTED, curateSixPolls } from './six-polls';


/** A normalizer engine to run the suite with: its name and the environment that selects it. */
export interface NormalizerEngine {
  readonly label: string;
  readonly env: () => Record<string, string>;
}

export function pollingPipelineSuite(cluster: KafkaCluster, engine?: NormalizerEngine): void {
  const by = engine === undefined ? '' : ` with the ${engine.label} engine`;
  describe(`polling pipeline on ${cluster.name}${by}: USGS API → raw Parquet → Kafka → normalizer → curated Parquet`, () => {
    let pipeline: PipelineHarness;

    beforeAll(async () => {
      pipeline = await PipelineHarness.create(`polling-${cluster.label}${engine === undefined ? '' : `-${engine.label}`}`, { kafka: cluster.settings() });
      await curateSixPolls(pipeline, engine?.env() ?? {});
    });
    afterAll(() => pipeline.close());

    it('holds every distinct (event_id, updated_at) version exactly once', async () => {
      expect(await pipeline.curatedEarthquakes()).toEqual(SIX_POLLS_EXPECTED);
    });

    it('wrote only new or changed versions into raw files, and announced each file once', async () => {
      const raw = await pipeline.references('raw');
      expect(raw.reduce((total, ref) => total + ref.rows, 0)).toBe(SIX_POLLS_EXPECTED.versions);
      expect(new Set(raw.map((ref) => ref.uri)).size).toBe(raw.length);
      const lake = await Lake.open(pipeline.lakeDir);
      for (const ref of raw) {
        expect(ref).toMatchObject({ kind: 'raw', source: 'usgs-earthquakes', dataset: 'earthquakes', producer: { app: 'ingest' } });
        await expect(lake.verify(ref)).resolves.toBe(join(lake.root, ref.uri));
      }
    });

    it('announces every curated file with lineage back to its raw file and Kafka record', async () => {
      const raw = await pipeline.references('raw');
      const curated = await pipeline.references('curated');
      const rawUris = new Set(raw.map((ref) => ref.uri));
      const latest = new Map(curated.map((ref) => [ref.uri, ref]));
      expect(curated.length).toBeGreaterThan(0);
      expect([...latest.values()].reduce((total, ref) => total + ref.rows, 0)).toBe(SIX_POLLS_EXPECTED.rows);
      for (const ref of curated) {
        expect(ref.kind).toBe('curated');
        expect(ref.inputs?.length).toBeGreaterThanOrEqual(1); // the raw files of the commit that wrote it
        for (const input of ref.inputs ?? []) {
          expect(rawUris.has(input.uri)).toBe(true);
          expect(input.topic).toBe(pipeline.topics.raw);
        }
      }
      const [lineage] = await pipeline.queryTable<{ missing: number }>(
        'earthquakes',
        `count(*) FILTER (WHERE _raw_uri IS NULL OR _kafka_offset IS NULL OR _kafka_topic <> ${sqlString(pipeline.topics.raw)})::INTEGER AS missing`,
      );
      expect(lineage?.missing).toBe(0);
    });

    it('answers "latest version per event" with the catalog view', async () => {
      const latest = await pipeline.queryTable<{ event_id: string; updated_at: string }>('earthquakes_latest', 'event_id, updated_at');
      expect(latest).toHaveLength(SIX_POLLS_EXPECTED.events);
      const newest = await pipeline.queryTable<{ event_id: string; updated_at: string }>('earthquakes', 'event_id, max(updated_at) AS updated_at', 'GROUP BY 1');
      const byEvent = new Map(newest.map((row) => [row.event_id, row.updated_at]));
      for (const row of latest) expect(row.updated_at).toBe(byEvent.get(row.event_id));
    });

    it('sends nothing to the dead-letter topic on clean input', async () => {
      expect(await pipeline.deadLetters()).toEqual([]);
    });

    it('writes curated Parquet that pyarrow reads with UTC microsecond timestamps', async () => {
      const [first] = await pipeline.references('curated');
      const inspection = await inspectWithPyarrow(join(pipeline.lakeDir, first?.uri ?? ''));
      expect(inspection.numRows).toBe(first?.rows);
      const types = Object.fromEntries(inspection.columns.map((column) => [column.name, column.type]));
      expect(types).toMatchObject({ event_id: 'string', event_time: 'timestamp[us, tz=UTC]', updated_at: 'timestamp[us, tz=UTC]', magnitude: 'double', _kafka_offset: 'int64' });
    });
  });
}
