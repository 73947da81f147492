import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger, type Announcer, type DeadLetterFields, type FileReferenceFields } from '@fluxo/schema';
import { aFileReference } from '@fluxo/schema/testing';
import { Outbox, type OutboxFile } from './outbox';
import { PendingAnnouncements } from './pending-announcements';
import { testDurableFiles } from './testing';
import type { StagedRawFile } from './types';

interface Checkpoint {
  readonly position: number;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A raw file of `body` staged under a temp name in `dir`. */
function stagedFile(dir: string, name: string, body: string): OutboxFile {
  const finalPath = join(dir, `${name}.parquet`);
  const tmpPath = join(dir, `.${name}.tmp`);
  return {
    source: 'rc',
    dataset: 'recentchange',
    async stage(): Promise<StagedRawFile> {
      await writeFile(tmpPath, body);
      return {
        uri: `raw/rc/date=2023-07-29/${name}.parquet`,
        tmpPath,
        path: finalPath,
        sha256: sha256(body),
        bytes: body.length,
        rows: 1,
        minEventTime: null,
        maxEventTime: null,
        schemaFingerprint: 'f'.repeat(64),
        commit: () => testDurableFiles.makeVisible(tmpPath, finalPath).then(() => undefined),
        discard: () => rm(tmpPath, { force: true }),
      };
    },
  };
}

describe('Outbox', () => {
  let dir: string;
  let announced: FileReferenceFields[];
  let deadLetters: DeadLetterFields[];
  let advanced: Checkpoint[];
  let failAnnounce: boolean;
  const announcer: Announcer = {
    announce: async (reference) => {
      if (failAnnounce) throw new Error('broker unavailable');
      announced.push(reference);
    },
    deadLetter: async (event) => void deadLetters.push(event),
  };
  const outbox = () =>
    new Outbox<Checkpoint>({
      name: 'rc',
      pending: new PendingAnnouncements<Checkpoint>(dir, testDurableFiles),
      files: testDurableFiles,
      announcer,
      advance: async (checkpoint) => void advanced.push(checkpoint),
      producer: { app: 'stream-ingest', instance: 't:1', version: '0' },
      logger: silentLogger,
    });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fluxo-outbox-'));
    announced = [];
    deadLetters = [];
    advanced = [];
    failAnnounce = false;
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('publishes dead letters, then references, then advances, leaving nothing pending', async () => {
    const deadLetter: DeadLetterFields = { schemaVersion: 1, eventId: '8f0e2b7c-5d7c-4b8e-9d2a-3f1c2b4a5e6f', stage: 'stream-ingest', reason: 'MALFORMED_JSON', message: 'cut off', original: { value: '{', encoding: 'utf8' }, occurredAt: '2023-07-29T07:51:40.000Z' };
    const references = await outbox().handOver({ files: [stagedFile(dir, 'a', 'A'), stagedFile(dir, 'b', 'B')], deadLetters: [deadLetter], checkpoint: { position: 7 } });
    expect(references.map((r) => [r.kind, r.source, r.dataset, r.sha256])).toEqual([
      ['raw', 'rc', 'recentchange', sha256('A')],
      ['raw', 'rc', 'recentchange', sha256('B')],
    ]);
    expect(announced).toEqual(references);
    expect(deadLetters).toEqual([deadLetter]);
    expect(advanced).toEqual([{ position: 7 }]);
    expect(await readdir(join(dir, 'pending', 'rc'))).toEqual([]);
  });

  it('re-announces after a failed publish with the same event id and file, and advances once', async () => {
    failAnnounce = true;
    await expect(outbox().handOver({ files: [stagedFile(dir, 'a', 'A')], deadLetters: [], checkpoint: { position: 1 } })).rejects.toThrow('broker unavailable');
    expect(advanced).toEqual([]);
    const [pendingFile] = await readdir(join(dir, 'pending', 'rc'));
    const { files } = JSON.parse(await readFile(join(dir, 'pending', 'rc', pendingFile ?? ''), 'utf8')) as { files: { reference: FileReferenceFields }[] };

    failAnnounce = false;
    expect(await outbox().recover()).toBe(1);
    expect(announced.map((r) => r.eventId)).toEqual([files[0]?.reference.eventId]);
    expect(advanced).toEqual([{ position: 1 }]);
    expect(await outbox().hasPending()).toBe(false);
  });

  it('refuses to re-announce a file whose bytes changed since its reference was recorded (STATE_CORRUPT)', async () => {
    failAnnounce = true;
    await expect(outbox().handOver({ files: [stagedFile(dir, 'a', 'A')], deadLetters: [], checkpoint: { position: 1 } })).rejects.toThrow();
    await writeFile(join(dir, 'a.parquet'), 'tampered');
    failAnnounce = false;
    await expect(outbox().recover()).rejects.toMatchObject({ code: 'STATE_CORRUPT', retriable: false });
    expect(announced).toEqual([]);
  });

  it('names an unreadable pending announcement (STATE_CORRUPT) instead of skipping it', async () => {
    await mkdir(join(dir, 'pending', 'rc'), { recursive: true });
    await writeFile(join(dir, 'pending', 'rc', 'broken.json'), '{"unitId":');
    await expect(outbox().recover()).rejects.toMatchObject({ code: 'STATE_CORRUPT', message: expect.stringContaining('broken.json') });
  });

  it('upgrade: finishes a pending announcement in the format ingest wrote before libs/producer, with its event id and file', async () => {
    const body = 'legacy bytes';
    const finalPath = join(dir, 'legacy.parquet');
    await writeFile(finalPath, body);
    const reference = aFileReference({ source: 'rc', sha256: sha256(body), producedAt: '2025-05-04T13:53:00.000Z' });
    const update = { position: 42 };
    await mkdir(join(dir, 'pending', 'rc'), { recursive: true });
    await writeFile(join(dir, 'pending', 'rc', `${reference.eventId}.json`), JSON.stringify({ reference, tmpPath: join(dir, '.legacy.tmp'), finalPath, update }));

    expect(await outbox().recover()).toBe(1);
    expect(announced).toEqual([reference]);
    expect(advanced).toEqual([update]);
    expect(await readdir(join(dir, 'pending', 'rc'))).toEqual([]);
  });

  it('drops a pending announcement whose file never reached the disk: the data will be fetched again', async () => {
    const reference = aFileReference({ source: 'rc' });
    await mkdir(join(dir, 'pending', 'rc'), { recursive: true });
    const pending = { unitId: reference.eventId, createdAt: reference.producedAt, files: [{ reference, tmpPath: join(dir, '.gone.tmp'), finalPath: join(dir, 'gone.parquet') }], deadLetters: [], checkpoint: { position: 3 } };
    await new PendingAnnouncements<Checkpoint>(dir, testDurableFiles).add('rc', pending);
    expect(await outbox().recover()).toBe(1);
    expect(announced).toEqual([]);
    expect(advanced).toEqual([]);
    expect(await outbox().hasPending()).toBe(false);
  });
});
