import { readdir, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { silentLogger } from '@fluxo/schema';
import { connectSparkSession, type SparkSession } from '@fluxo/spark-connect';
import { testSparkRemote } from '@fluxo/spark-connect/testing';
import { BatchHarness, catalog, feature } from '../testing/batch-harness';
import { SPARK_CURATE_SESSION_CONFIG, SPARK_STAGING_DIR, SPARK_STAGING_STALE_MS, SparkCurateEngine } from './spark-curate-engine';
import { localSparkStaging } from './spark-staging';

/**
 * Issue 12, part 3: the normalizer's batch handler with Spark (a real Spark Connect server,
 * FLUXO_TEST_SPARK_REMOTE) mapping the raw files, and the commit unchanged — the embedded DuckDB
 * appends to the DuckLake table with the consumer progress in one transaction. What the DuckDB
 * engine's unit tests pin for curation, drift, quarantine and replays holds with Spark too.
 */
describe('issue 12: the batch handler with the Spark engine', () => {
  let spark: SparkSession;
  let h: BatchHarness;
  let engine: SparkCurateEngine;

  beforeAll(async () => {
    spark = await connectSparkSession({ remote: testSparkRemote(), logger: silentLogger, config: SPARK_CURATE_SESSION_CONFIG });
  }, 300_000);
  afterAll(() => spark?.close());
  beforeEach(async () => {
    h = await BatchHarness.open({ sandboxed: true });
    engine = await SparkCurateEngine.open({ spark, definitions: { catalog }, staging: localSparkStaging(h.tmp.lake, 'g'), logger: silentLogger });
  });
  afterEach(() => h?.close());

  it('curates, quarantines and counts drift as with DuckDB, and leaves no staged file behind', async () => {
    const record = await h.rawRecord('poll-spark', [feature('ok', 1), feature('nogeo', 2, { geometry: null }), feature('drift', 3, { properties: { ...feature('x', 3).properties, mag: 'strong', place: undefined } })]);
    const outcome = await h.handler('g', undefined, { curate: engine }).handle([record]);
    expect(outcome).toMatchObject({ commits: 1, curatedRows: 2, rejectedRows: 1, deadLettered: 0 });
    expect(h.deadLetters).toEqual([expect.objectContaining({ reason: 'ROWS_REJECTED', details: expect.objectContaining({ columns: { longitude: 1, latitude: 1 } }) })]);
    expect(await h.rows<{ id: string; m: number | null; t: string }>("event_id AS id, magnitude AS m, strftime(event_time, '%Y-%m-%dT%H:%M:%S.%fZ') AS t", 'ORDER BY 1')).toEqual([
      { id: 'drift', m: null, t: '2025-05-04T13:40:18.110000Z' },
      { id: 'ok', m: 1.5, t: '2025-05-04T13:40:18.110000Z' },
    ]);
    const byColumn = Object.fromEntries((h.announced[0]?.drift?.columns ?? []).map((c) => [c.column, [c.absent, c.invalid]]));
    expect(byColumn).toMatchObject({ event_id: [0, 0], magnitude: [0, 1], place: [1, 0], longitude: [1, 0], updated_at: [0, 0] });
    expect(await readdir(join(h.tmp.lake.root, SPARK_STAGING_DIR, 'g'))).toEqual([]);
  });

  it('keeps every (event, version) once across overlapping files and a replay of the batch', async () => {
    const first = await h.rawRecord('poll-a', [feature('e1', 1), feature('e2', 1), feature('e2', 1)]);
    const second = await h.rawRecord('poll-b', [feature('e2', 1), feature('e2', 2), feature('e3', 1)]);
    expect(await h.handler('g', undefined, { curate: engine }).handle([first, second])).toMatchObject({ commits: 1, curatedRows: 4, alreadyCommitted: 0 });
    // a crash before the Kafka commit: the same records again find their work done
    expect(await h.handler('g', undefined, { curate: engine }).handle([first, second])).toMatchObject({ commits: 0, alreadyCommitted: 2 });
    expect(await h.rows<{ id: string; v: string; n: number }>('event_id AS id, _record_version AS v, count(*)::INTEGER AS n', 'GROUP BY ALL ORDER BY ALL')).toEqual([
      { id: 'e1', v: '1', n: 1 },
      { id: 'e2', v: '1', n: 1 },
      { id: 'e2', v: '2', n: 1 },
      { id: 'e3', v: '1', n: 1 },
    ]);
  });

  it('never reads what a killed job staged, and sweeps it once stale when an engine starts', async () => {
    const record = await h.rawRecord('poll-again', [feature('k1', 1)]);
    // a job whose normalizer was killed ran on and wrote its folder for the same Kafka record
    const groupDir = join(h.tmp.lake.root, SPARK_STAGING_DIR, 'g');
    const leftover = join(groupDir, `${record.topic}-p${record.partition}-o${record.offset}-killed`);
    await spark.sql(`INSERT OVERWRITE DIRECTORY '${leftover}' USING parquet SELECT 'stale' AS event_id`);
    expect(await h.handler('g', undefined, { curate: engine }).handle([record])).toMatchObject({ commits: 1, curatedRows: 1 });
    expect(await h.rows<{ id: string }>('event_id AS id')).toEqual([{ id: 'k1' }]);
    expect(await readdir(groupDir)).toEqual([`${record.topic}-p${record.partition}-o${record.offset}-killed`]);
    // a fresh folder may belong to a job still running: kept; a stale one is swept
    await SparkCurateEngine.open({ spark, definitions: { catalog }, staging: localSparkStaging(h.tmp.lake, 'g'), logger: silentLogger });
    expect(await readdir(groupDir)).toHaveLength(1);
    const anHourAgo = new Date(Date.now() - SPARK_STAGING_STALE_MS - 60_000);
    await utimes(leftover, anHourAgo, anHourAgo);
    await SparkCurateEngine.open({ spark, definitions: { catalog }, staging: localSparkStaging(h.tmp.lake, 'g'), logger: silentLogger });
    expect(await readdir(groupDir)).toEqual([]);
  });
});
