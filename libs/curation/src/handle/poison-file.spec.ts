import { createHash } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { ParquetEngine, ParquetIoError, type Lake, type RawRow } from '@fluxo/parquet-io';
import { ConsumerProgress, type Lakehouse } from '@fluxo/lakehouse';
import { silentLogger } from '@fluxo/schema';
import { BatchHarness, feature } from '../testing/batch-harness';

/** One raw row whose record is `megabytes` MB of JSON text: a few KB of Parquet (zstd), far more to parse. */
function poisonRow(megabytes: number): RawRow {
  const pad = 'x'.repeat(1024 * 1024);
  const properties: Record<string, unknown> = { ...feature('poison', 1).properties };
  for (let i = 0; i < megabytes; i += 1) properties[`pad${i}`] = pad;
  return { key: 'poison', version: '1', eventTime: new Date('2025-05-04T13:40:18.110Z'), record: JSON.stringify({ ...feature('poison', 1), properties }), context: null };
}

/**
 * Issue 9: a poison raw file (one huge record that makes DuckDB run out of memory) is retried a
 * bounded number of times, then dead-lettered as ATTEMPTS_EXHAUSTED, and the partition goes on.
 * Dead letters carry neither SQL nor absolute paths.
 */
describe('issue 9: poison file', () => {
  let h: BatchHarness;
  let writer: ParquetEngine;
  beforeAll(async () => {
    writer = await ParquetEngine.open({ logger: silentLogger, threads: 1 });
  });
  afterAll(() => writer.close());
  beforeEach(async () => {
    h = await BatchHarness.open({ memoryLimitMb: 64 });
  });
  afterEach(() => h.close());

  it('is dead-lettered as ATTEMPTS_EXHAUSTED (lastCode OUT_OF_MEMORY) after maxAttempts, and the good file behind it is curated', async () => {
    const poison = await h.rawRecordOf('poison', [poisonRow(30)], undefined, writer);
    const good = await h.rawRecord('good', [feature('ok', 1)]);
    const handler = h.handler('g', undefined, { maxAttempts: 2 });

    await expect(handler.handle([poison, good])).rejects.toMatchObject({ code: 'OUT_OF_MEMORY', retriable: true }); // attempt 1: the consumer retries
    expect(h.deadLetters).toEqual([]);
    const outcome = await handler.handle([poison, good]); // attempt 2 = maxAttempts
    expect(outcome).toMatchObject({ deadLettered: 1, curatedRows: 1 });
    expect(h.deadLetters).toEqual([
      expect.objectContaining({
        reason: 'ATTEMPTS_EXHAUSTED',
        message: expect.stringMatching(/^gave up after 2 attempts: DuckDB ran out of memory: Out of Memory Error: [^\n]*$/),
        details: { lastCode: 'OUT_OF_MEMORY' },
      }),
    ]);
    expect(await h.rows<{ id: string }>('event_id AS id')).toEqual([{ id: 'ok' }]);
    expect((await new ConsumerProgress(h.lakehouse).read('g', 'fluxo.raw-files', 0))?.nextOffset).toBe('2');
  });

  it('alone in its batch, it is dead-lettered and the partition progress still moves past it', async () => {
    const poison = await h.rawRecordOf('poison-alone', [poisonRow(30)], undefined, writer);
    const handler = h.handler('g', undefined, { maxAttempts: 1 });
    expect(await handler.handle([poison])).toMatchObject({ deadLettered: 1, curatedRows: 0 });
    expect(h.deadLetters.map((d) => d.reason)).toEqual(['ATTEMPTS_EXHAUSTED']);
    expect((await new ConsumerProgress(h.lakehouse).read('g', 'fluxo.raw-files', 0))?.nextOffset).toBe('1');
  });
});

describe('issue 9: normalizer dead letters carry no SQL and no absolute path', () => {
  let h: BatchHarness;
  beforeEach(async () => {
    h = await BatchHarness.open();
  });
  afterEach(() => h.close());

  it('relativizes lake paths, hides others and drops details.sql, in the event and in the quarantine record', async () => {
    const record = await h.rawRecord('will-be-corrupt', [feature('a', 1)]);
    const reference = h.referenceOf(record);
    const path = await h.tmp.lake.resolve(reference.uri);
    const garbage = Buffer.alloc(reference.bytes, 'PAR1'); // same size, not Parquet
    await writeFile(path, garbage);
    const forged = { ...h.referenceOf(record), sha256: createHash('sha256').update(garbage).digest('hex') };
    await h.handler().handle([{ ...record, value: Buffer.from(JSON.stringify(forged)) }]);

    expect(h.deadLetters).toEqual([expect.objectContaining({ reason: 'CORRUPT_FILE' })]);
    const [event] = h.deadLetters;
    const text = JSON.stringify(event);
    expect(text).not.toContain(h.tmp.dir);
    expect(text).not.toContain('SELECT');
    expect(event?.message).toMatch(new RegExp(`^${reference.uri.replaceAll('.', '\\.')} is not readable Parquet`));
    expect(event?.details).toEqual(expect.objectContaining({ path: reference.uri }));
    const quarantined = await readFile(await h.tmp.lake.resolve(event?.quarantineUri ?? ''), 'utf8');
    expect(quarantined).not.toContain(h.tmp.dir);
  });
});

describe('issue 9: a raw file swapped between verification and curation', () => {
  let h: BatchHarness;
  beforeEach(async () => {
    h = await BatchHarness.open();
  });
  afterEach(() => h.close());

  it('is caught right after the curation statement (FILE_CHANGED, retried), then dead-lettered by its checksum; nothing of the swapped file is curated', async () => {
    const record = await h.rawRecord('swapped', [feature('genuine', 1)]);
    const impostor = await h.rawRecord('impostor', [feature('impostor', 1)]);
    const reference = h.referenceOf(record);
    const impostorUri = h.referenceOf(impostor).uri;
    const lake = h.tmp.lake;
    // A lake whose verification is followed at once by a swap: the attacker's window, made certain.
    let swapped = false;
    const racingLake: Lake = Object.create(lake, {
      verifyFile: {
        value: async (...args: Parameters<Lake['verifyFile']>) => {
          const verified = await lake.verifyFile(...args);
          if (!swapped && args[0].uri === reference.uri) {
            swapped = true;
            await rename(await lake.resolve(impostorUri), verified.path);
          }
          return verified;
        },
      },
    }) as Lake;
    const handler = h.handler('g', undefined, { lake: racingLake, maxAttempts: 3 });

    await expect(handler.handle([record])).rejects.toMatchObject({ code: 'FILE_CHANGED', retriable: true });
    expect(await handler.handle([record])).toMatchObject({ deadLettered: 1, curatedRows: 0 });
    expect(h.deadLetters.map((d) => d.reason)).toEqual([expect.stringMatching(/^(SIZE|CHECKSUM)_MISMATCH$/)]);
    expect((await h.lakehouse.hasTable('earthquakes')) ? await h.rows('*') : []).toEqual([]);
  });
});

describe('issue 9: a raw file that stages but cannot be committed (out of memory in the commit)', () => {
  let h: BatchHarness;
  beforeEach(async () => {
    h = await BatchHarness.open();
  });
  afterEach(() => h.close());

  it('retries the group, then commits its files one at a time, and dead-letters only the one that still fails', async () => {
    // A catalog whose append runs out of memory whenever the poison record is in the batch.
    const real = h.lakehouse;
    const appends: string[] = [];
    const tight: Lakehouse = Object.create(real, {
      appendDistinct: {
        value: async (...args: Parameters<Lakehouse['appendDistinct']>) => {
          const [tx, , staging] = args;
          const [row] = await tx.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${staging} WHERE _record_key = 'poison'`);
          appends.push((row?.n ?? 0) > 0 ? 'with poison' : 'clean');
          if ((row?.n ?? 0) > 0) throw new ParquetIoError('OUT_OF_MEMORY', 'DuckDB ran out of memory: Out of Memory Error: failed to allocate data of size 256.0 MiB', { retriable: true });
          return real.appendDistinct(...args);
        },
      },
    }) as Lakehouse;
    const records = [await h.rawRecord('before', [feature('before', 1)]), await h.rawRecord('poison', [feature('poison', 1)]), await h.rawRecord('after', [feature('after', 1)])];
    const handler = h.handler('g', undefined, { lakehouse: tight, maxAttempts: 2 });

    // the consumer offers the same records again after each retriable failure
    await expect(handler.handle(records)).rejects.toMatchObject({ code: 'OUT_OF_MEMORY' }); // group, attempt 1
    await expect(handler.handle(records)).rejects.toMatchObject({ code: 'OUT_OF_MEMORY' }); // group, attempt 2: split
    await expect(handler.handle(records)).rejects.toMatchObject({ code: 'OUT_OF_MEMORY' }); // "before" alone commits; the poison alone, attempt 1
    const outcome = await handler.handle(records); // the poison alone, attempt 2: dead-lettered; "after" commits
    expect(outcome).toMatchObject({ alreadyCommitted: 1, deadLettered: 1, curatedRows: 1 });
    expect(appends).toEqual(['with poison', 'with poison', 'clean', 'with poison', 'with poison', 'clean']);
    expect(h.deadLetters).toEqual([expect.objectContaining({ reason: 'ATTEMPTS_EXHAUSTED', details: { lastCode: 'OUT_OF_MEMORY', step: 'commit' } })]);
    expect((h.deadLetters[0]?.original as { offset?: string } | undefined)?.offset).toBe('1');
    expect(await h.rows<{ id: string }>('event_id AS id', 'ORDER BY 1')).toEqual([{ id: 'after' }, { id: 'before' }]);
    expect((await new ConsumerProgress(h.lakehouse).read('g', 'fluxo.raw-files', 0))?.nextOffset).toBe('3');
  });
});
