import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BUILTIN_DEFINITIONS, DefinitionCatalog, resolveSourceInstance, silentLogger, type DeadLetterFields, type FileReferenceFields, type Announcer } from '@fluxo/schema';
import { durableFiles, lakeRawFileSink, type ParquetEngine } from '@fluxo/parquet-io';
import { createTempLake, openTestEngine, type TempLake } from '@fluxo/parquet-io/testing';
import type { BodyConsumer, StreamedResult, Validators } from '../http/http-fetcher';
import { lakeQuarantine } from '../lake-adapters';
import { PendingAnnouncements } from '@fluxo/producer';
import type { PollUpdate } from '../state/poll-state';
import { StateStore } from '../state/state-store';
import { SourcePoller } from './source-poller';

const instance = resolveSourceInstance(DefinitionCatalog.build(BUILTIN_DEFINITIONS), 'usgs-earthquakes?feed=all_day');

const feature = (id: string, updated: number) => ({
  type: 'Feature',
  properties: { mag: 1, time: 1746366018110, updated },
  geometry: { type: 'Point', coordinates: [1, 2, 3] },
  id,
});
const body = (features: unknown[]) => Buffer.from(JSON.stringify({ type: 'FeatureCollection', features }));

/** Answers each fetch with the next queued body (the last one repeats), streamed in small chunks. */
class ScriptedFetcher {
  calls = 0;
  constructor(private readonly bodies: Buffer[]) {}
  async fetchWith<T>(_url: string, _headers: unknown, _validators: Validators, consume: BodyConsumer<T>): Promise<StreamedResult<T>> {
    const next = this.bodies[Math.min(this.calls, this.bodies.length - 1)] ?? Buffer.alloc(0);
    this.calls += 1;
    const fetchedAt = new Date('2025-05-04T14:00:00Z');
    async function* chunks(): AsyncGenerator<Buffer> {
      for (let at = 0; at < next.length; at += 100) yield next.subarray(at, at + 100);
    }
    const value = await consume(chunks(), { headers: {}, fetchedAt, attempt: 1 });
    return { status: 'ok', value, validators: {}, headers: {}, fetchedAt, attempts: 1 };
  }
}

/** Records announcements; `failNext` simulates Kafka being down (or a crash) at publish time. */
class RecordingAnnouncer implements Announcer {
  readonly references: FileReferenceFields[] = [];
  readonly deadLetters: DeadLetterFields[] = [];
  failNext = 0;
  announce(reference: FileReferenceFields): Promise<void> {
    if (this.failNext > 0) {
      this.failNext -= 1;
      return Promise.reject(new Error('broker unavailable'));
    }
    this.references.push(reference);
    return Promise.resolve();
  }
  deadLetter(event: DeadLetterFields): Promise<void> {
    this.deadLetters.push(event);
    return Promise.resolve();
  }
}

describe('SourcePoller', () => {
  let lake: TempLake;
  let engine: ParquetEngine;
  let announcer: RecordingAnnouncer;

  beforeEach(async () => {
    lake = await createTempLake();
    engine = await openTestEngine();
    announcer = new RecordingAnnouncer();
  });
  afterEach(async () => {
    await engine.close();
    await lake.cleanup();
  });

  /** A poller as a fresh process would build it: state comes only from disk. */
  const poller = (fetcher: ScriptedFetcher, maxRecordBytes = 1 << 20) =>
    new SourcePoller({
      instance,
      fetcher,
      retry: { limit: 2, baseDelayMs: 1, maxDelayMs: 2 },
      store: new StateStore(join(lake.dir, 'state'), durableFiles),
      pending: new PendingAnnouncements<PollUpdate>(join(lake.dir, 'state'), durableFiles),
      files: durableFiles,
      rawFiles: lakeRawFileSink(engine, lake.lake),
      announcer,
      quarantine: lakeQuarantine(lake.lake),
      producer: { app: 'ingest', instance: 'test:1', version: '0' },
      seenTtlMs: 86_400_000,
      spoolDir: join(lake.dir, 'state', 'spool'),
      maxRecordBytes,
      logger: silentLogger,
    });

  const rawFiles = async () => {
    const dir = join(lake.lake.root, 'raw', 'usgs-earthquakes', 'date=2025-05-04');
    return (await readdir(dir).catch(() => [])).filter((name) => name.endsWith('.parquet'));
  };

  it('announces only new or changed versions, one file per poll', async () => {
    const fetcher = new ScriptedFetcher([body([feature('a', 1), feature('b', 1)]), body([feature('a', 1), feature('b', 2), feature('c', 1)]), body([feature('a', 1), feature('b', 2), feature('c', 1)])]);
    const source = poller(fetcher);
    expect((await source.poll()).kind).toBe('announced');
    expect((await source.poll()).kind).toBe('announced');
    expect((await source.poll()).kind).toBe('unchanged');
    expect(announcer.references.map((r) => r.rows)).toEqual([2, 2]);
    expect(await rawFiles()).toHaveLength(2);
  });

  it('issue-2-crash-before-announce: a restart announces the same file with the same event id, once', async () => {
    const response = body([feature('a', 1), feature('b', 1)]);
    announcer.failNext = 1; // the process "dies" when publishing
    await expect(poller(new ScriptedFetcher([response])).poll()).rejects.toThrow('broker unavailable');
    expect(announcer.references).toEqual([]);
    const [file] = await rawFiles();

    const restarted = poller(new ScriptedFetcher([response]));
    expect(await restarted.recover()).toBe(1);
    expect(announcer.references).toHaveLength(1);
    expect(announcer.references[0]?.uri).toContain(file);
    expect((await restarted.poll()).kind).toBe('unchanged'); // state advanced with the announcement
    expect(await rawFiles()).toEqual([file]);
  });

  it('finishes a failed announcement before polling again, never writing the records twice', async () => {
    const fetcher = new ScriptedFetcher([body([feature('a', 1)]), body([feature('a', 1), feature('b', 1)])]);
    const source = poller(fetcher);
    announcer.failNext = 1;
    await expect(source.poll()).rejects.toThrow('broker unavailable');
    const outcome = await source.poll(); // first re-announces the pending file, then polls
    expect(outcome.kind).toBe('announced');
    expect(announcer.references.map((r) => r.rows)).toEqual([1, 1]);
    expect(new Set(announcer.references.map((r) => r.uri)).size).toBe(2);
  });

  it('re-fetches a malformed body, then quarantines and dead-letters it once', async () => {
    const broken = Buffer.from('{"type":"FeatureCollection","features":[');
    const source = poller(new ScriptedFetcher([broken]));
    const outcome = await source.poll();
    expect(outcome).toMatchObject({ kind: 'quarantined', reason: 'MALFORMED_BODY', uri: expect.stringMatching(/^quarantine\/ingest\//) });
    await source.poll();
    expect(announcer.deadLetters).toHaveLength(1);
    expect(announcer.deadLetters[0]).toMatchObject({ reason: 'MALFORMED_BODY', stage: 'ingest', quarantineUri: expect.any(String) });
  });

  it('quarantines a response whose records are not where the definition says', async () => {
    const outcome = await poller(new ScriptedFetcher([Buffer.from('{"features":{"oops":true}}')])).poll();
    expect(outcome).toMatchObject({ kind: 'quarantined', reason: 'RESPONSE_SHAPE' });
  });

  it('dead-letters records without a key, once, and keeps the others', async () => {
    const response = body([feature('a', 1), { type: 'Feature', properties: {} }]);
    const source = poller(new ScriptedFetcher([response, response]));
    await source.poll();
    await source.poll();
    expect(announcer.references.map((r) => r.rows)).toEqual([1]);
    expect(announcer.deadLetters.map((d) => d.reason)).toEqual(['RECORD_REJECTED']);
  });

  it('issue-9-record-size-cap: dead-letters a record over the cap as RECORD_TOO_LARGE, once, and writes the others', async () => {
    const huge = { ...feature('huge', 1), properties: { mag: 1, time: 1746366018110, updated: 1, title: 'x'.repeat(200_000) } };
    const response = body([feature('a', 1), huge]);
    const source = poller(new ScriptedFetcher([response, response]), 100_000);
    expect(await source.poll()).toMatchObject({ kind: 'announced', records: 2 });
    expect((await source.poll()).kind).toBe('unchanged');
    expect(announcer.references.map((r) => r.rows)).toEqual([1]);
    expect(announcer.deadLetters).toHaveLength(1);
    const [letter] = announcer.deadLetters;
    expect(letter).toMatchObject({ reason: 'RECORD_TOO_LARGE', stage: 'ingest', details: { key: 'huge', version: '1', truncated: true } });
    expect(letter?.details?.['bytes']).toBeGreaterThan(100_000);
    expect(letter?.original.value.length).toBeLessThanOrEqual(64 * 1024);
    // A restarted poller (state from disk) does not dead-letter the same version again.
    expect((await poller(new ScriptedFetcher([response]), 100_000).poll()).kind).toBe('unchanged');
    expect(announcer.deadLetters).toHaveLength(1);
  });

  it('issue-9-quarantine-dedupe: a source serving the same broken bytes on every poll is quarantined once', async () => {
    const broken = Buffer.from('{"features":{"oops":true}}');
    const source = poller(new ScriptedFetcher([broken]));
    const outcomes = [await source.poll(), await source.poll(), await source.poll()];
    expect(new Set(outcomes.map((o) => (o.kind === 'quarantined' ? o.uri : o.kind))).size).toBe(1);
    const quarantined = await readdir(join(lake.lake.root, 'quarantine', 'ingest'), { recursive: true });
    expect(quarantined.filter((name) => name.endsWith('.json'))).toHaveLength(1);
    expect(announcer.deadLetters).toHaveLength(1);
  });

  it('issue-9-redacted-dead-letters: a dead letter never carries the poll URL\'s query values', async () => {
    const keyed = { ...instance, url: `${instance.url}?api_key=s3cr3t`, headers: {} };
    const source = new SourcePoller({
      instance: keyed,
      fetcher: new ScriptedFetcher([Buffer.from('not json')]),
      retry: { limit: 0, baseDelayMs: 1, maxDelayMs: 1 },
      store: new StateStore(join(lake.dir, 'state'), durableFiles),
      pending: new PendingAnnouncements<PollUpdate>(join(lake.dir, 'state'), durableFiles),
      files: durableFiles,
      rawFiles: lakeRawFileSink(engine, lake.lake),
      announcer,
      quarantine: lakeQuarantine(lake.lake),
      producer: { app: 'ingest', instance: 'test:1', version: '0' },
      seenTtlMs: 86_400_000,
      spoolDir: join(lake.dir, 'state', 'spool'),
      maxRecordBytes: 1 << 20,
      logger: silentLogger,
    });
    await source.poll();
    expect(announcer.deadLetters).toHaveLength(1);
    expect(JSON.stringify(announcer.deadLetters)).not.toContain('s3cr3t');
  });
});
