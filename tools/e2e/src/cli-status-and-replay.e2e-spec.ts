import { rename } from 'node:fs/promises';
import { rawFileReference, silentLogger } from '@fluxo/schema';
import { ReferenceProducer, topicOffsets } from '@fluxo/kafka-client';
import { Lake, lakeRawFileSink, ParquetEngine, type RawRow } from '@fluxo/parquet-io';
import { type AppProcess, eventually, PipelineHarness } from '@fluxo/e2e-harness';
import { fluxo, fluxoJson } from './support/cli-process';

interface Status {
  healthy: boolean;
  kafka: { reachable: boolean };
  lag: { totalLag: number; oldestWaitingAt: number | null; byDataset: { dataset: string; lag: number }[] } | null;
  tables: { name: string; rows: number; files: number; lastCommit: { snapshotId: number } | null }[];
  deadLetters: { total: number; byReason: { reason: string; count: number }[] } | null;
  checks: { name: string; level: string }[];
}

/**
 * `fluxo status` and `fluxo dead-letters` against the real broker and a running pipeline: a raw
 * file announced while missing is dead-lettered (FILE_MISSING); once restored, `replay` curates it;
 * replaying again curates nothing twice.
 */
describe('fluxo status and dead-letter replay, end to end', () => {
  let pipeline: PipelineHarness;
  let normalizer: AppProcess;
  let env: Record<string, string>;
  const status = async (...extra: string[]) => fluxoJson<Status>(['status', '-q', ...extra], env, 'cli-replay');
  const versions = () => pipeline.curatedRows<{ rows: number; versions: number }>('earthquakes', 'count(*)::INTEGER AS rows, count(DISTINCT (_record_key, _record_version))::INTEGER AS versions');

  beforeAll(async () => {
    pipeline = await PipelineHarness.create('cli-replay');
    env = pipeline.env({ FLUXO_LOG_LEVEL: 'warn' });
  });
  afterAll(() => pipeline.close());

  it('status reports a healthy pipeline with its tables and no lag', async () => {
    normalizer = await pipeline.startNormalizer();
    const ingest = await pipeline.startIngest('usgs-earthquakes?feed=all_day&intervalMs=500');
    await eventually(() => pipeline.curatedEarthquakes(), (counts) => counts.versions === 217, 'the six recorded polls are curated');
    await ingest.stop();
    const { code, value } = await eventually(() => status(), (result) => result.value.lag?.totalLag === 0, 'nothing waits for the normalizer');
    expect(code).toBe(0);
    expect(value.healthy).toBe(true);
    expect(value.kafka.reachable).toBe(true);
    expect(value.tables.find((table) => table.name === 'earthquakes')).toMatchObject({ rows: 217, lastCommit: { snapshotId: expect.any(Number) } });
    expect(value.deadLetters?.total).toBe(0);
    const text = await fluxo(['status'], env, 'cli-replay');
    expect(text.stdout).toMatch(/HEALTHY[\s\S]*normalizer\s+\S+\s+earthquakes[\s\S]*Tables[\s\S]*earthquakes\s+217/);
  });

  it('a missing raw file is dead-lettered; replay skips it until restored, then curates it once, however often replayed', async () => {
    // Three new versions, in a raw file written as ingest writes them, announced while the file is away.
    const engine = await ParquetEngine.open({ logger: silentLogger, threads: 1, memoryLimitMb: 256 });
    const lake = await Lake.open(pipeline.lakeDir);
    const rows: RawRow[] = [1, 2, 3].map((n) => {
      const time = Date.parse('2025-05-04T12:00:00Z') + n * 60_000;
      const record = { type: 'Feature', id: `clitest${n}`, properties: { mag: 2 + n / 10, place: `test place ${n}`, time, updated: time + 1_000, type: 'earthquake' }, geometry: { type: 'Point', coordinates: [-120 + n, 35, 5] } };
      return { key: `clitest${n}`, version: String(time + 1_000), eventTime: new Date(time), record: JSON.stringify(record), context: null };
    });
    const staged = await lakeRawFileSink(engine, lake).stage({ source: 'usgs-earthquakes', stem: 'cli-replay-test', fetchedAt: new Date(), records: rows });
    await staged.commit();
    await engine.close();
    const reference = rawFileReference(staged, { source: 'usgs-earthquakes', dataset: 'earthquakes', producer: { app: 'e2e', instance: 'cli-replay', version: '0' } });
    const written = { path: staged.path };
    await rename(written.path, `${written.path}.away`);
    const producer = await ReferenceProducer.connect(pipeline.kafka, { logger: silentLogger });
    await producer.publishReference(pipeline.topics.raw, reference);
    await producer.close();

    const dead = await eventually(() => status(), (result) => (result.value.deadLetters?.total ?? 0) >= 1 && result.value.lag?.totalLag === 0, 'the reference is dead-lettered');
    expect(dead.value.deadLetters?.byReason).toEqual([expect.objectContaining({ reason: 'FILE_MISSING', count: 1 })]);
    expect(dead.code).toBe(0); // a dead letter is a warning…
    expect(dead.value.checks.find((check) => check.name === 'dead-letters')?.level).toBe('warn');
    expect((await status('--max-dead-letters', '0')).code).toBe(1); // …until the threshold says otherwise

    const listed = await fluxo(['dead-letters', 'list', '--reason', 'FILE_MISSING', '--json'], env, 'cli-replay');
    const entries = listed.stdout.trim().split('\n').map((line) => JSON.parse(line) as { id: string; action: { kind: string; ready: boolean; uri: string } });
    expect(entries).toEqual([expect.objectContaining({ action: expect.objectContaining({ kind: 'republish', ready: false, uri: reference.uri }) })]);
    const id = entries[0]?.id ?? '';
    const shown = await fluxo(['dead-letters', 'show', id], env, 'cli-replay');
    expect(shown.stdout).toMatch(/reason\s+FILE_MISSING[\s\S]*original record from [\s\S]*"uri": "raw\/usgs-earthquakes/);

    const blocked = await fluxo(['dead-letters', 'replay', id], env, 'cli-replay');
    expect(blocked.code).toBe(1);
    expect(blocked.stdout).toMatch(/skipped\s+.*still fails: FILE_MISSING/);

    await rename(`${written.path}.away`, written.path);
    const ends = async () => (await topicOffsets(pipeline.kafka, pipeline.topics.raw)).map((entry) => entry.high).join(',');
    const before = await ends();
    const dry = await fluxo(['dead-letters', 'replay', '--reason', 'FILE_MISSING', '--dry-run'], env, 'cli-replay');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/would-publish[\s\S]*Would re-publish 1 reference/);
    expect(await ends()).toBe(before);

    for (let round = 1; round <= 2; round += 1) {
      const replay = await fluxo(['dead-letters', 'replay', '--reason', 'FILE_MISSING'], env, 'cli-replay');
      expect(replay.code).toBe(0);
      expect(replay.stdout).toMatch(/Re-published 1 reference\(s\) \(3 raw rows\)/);
      await eventually(() => status(), (result) => result.value.lag?.totalLag === 0, `replay ${round} is consumed`);
      expect(await versions()).toEqual([{ rows: 220, versions: 220 }]);
    }
  });

  it('status fails while references wait for a stopped normalizer, and recovers', async () => {
    await normalizer.stop();
    const replay = await fluxo(['dead-letters', 'replay', '--reason', 'FILE_MISSING'], env, 'cli-replay');
    expect(replay.code).toBe(0);
    const waiting = await status('--max-lag', '0');
    expect(waiting.code).toBe(1);
    expect(waiting.value.lag).toMatchObject({ totalLag: 1, oldestWaitingAt: expect.any(Number), byDataset: [{ dataset: 'earthquakes', lag: 1 }] });
    expect(waiting.value.checks.find((check) => check.name === 'lag')?.level).toBe('fail');
    normalizer = await pipeline.startNormalizer();
    const recovered = await eventually(() => status('--max-lag', '0'), (result) => result.code === 0, 'the normalizer catches up');
    expect(recovered.value.lag?.totalLag).toBe(0);
    expect(await versions()).toEqual([{ rows: 220, versions: 220 }]);
  });
});
