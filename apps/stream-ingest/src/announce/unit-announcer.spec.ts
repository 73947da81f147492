import { createHash } from 'node:crypto';
import { access, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger, type DeadLetterFields, type ExtractedRecord, type FileReferenceFields, type Announcer } from '@fluxo/schema';
import type { RawFileSink } from '@fluxo/parquet-io';
import { PendingAnnouncements } from '@fluxo/producer';
import { testDurableFiles } from '@fluxo/producer/testing';
import { CheckpointStore, emptyCheckpoint, type StreamCheckpoint } from '../state/checkpoint-store';
import { UnitAnnouncer, type Unit } from './unit-announcer';

type Step = 'stage' | 'pending' | 'commit' | 'announce' | 'checkpoint' | 'drop-pending' | 'none';

class Crash extends Error {}

const record = (key: string): ExtractedRecord => ({ key, version: 'v', eventTime: new Date('2023-07-29T07:51:39Z'), record: `{"id":"${key}"}`, context: null });

/** Fakes for the ports that "crash" (throw) at one step; the state stores are the real ones on a temp dir. */
function world(dir: string, crashAt: { step: Step }) {
  const announced: FileReferenceFields[] = [];
  const deadLetters: DeadLetterFields[] = [];
  const hit = (step: Step) => {
    if (crashAt.step === step) throw new Crash(`crash at ${step}`);
  };
  const rawFiles: RawFileSink = {
    async stage({ source, stem, records }) {
      hit('stage');
      const finalPath = join(dir, `${source}-${stem}.parquet`);
      const tmpPath = join(dir, `.${source}-${stem}.tmp`);
      const body = JSON.stringify(records);
      await writeFile(tmpPath, body);
      return {
        uri: `raw/${source}/date=2023-07-29/${stem}.parquet`,
        path: finalPath,
        tmpPath,
        sha256: createHash('sha256').update(body).digest('hex'),
        bytes: body.length,
        rows: records.length,
        minEventTime: null,
        maxEventTime: null,
        schemaFingerprint: 'f'.repeat(64),
        commit: async () => {
          hit('commit');
          await rename(tmpPath, finalPath);
        },
        discard: () => rm(tmpPath, { force: true }),
      };
    },
  };
  const announcer: Announcer = {
    announce: async (reference) => {
      hit('announce');
      announced.push(reference);
    },
    deadLetter: async (event) => {
      deadLetters.push(event);
    },
  };
  const checkpoints = new CheckpointStore(dir, testDurableFiles);
  const realSave = checkpoints.save.bind(checkpoints);
  checkpoints.save = async (checkpoint: StreamCheckpoint) => {
    hit('checkpoint');
    await realSave(checkpoint);
  };
  const pending = new PendingAnnouncements<StreamCheckpoint>(dir, testDurableFiles);
  const realAdd = pending.add.bind(pending);
  const realRemove = pending.remove.bind(pending);
  pending.add = async (source, unit) => {
    hit('pending');
    await realAdd(source, unit);
  };
  pending.remove = async (source, unit) => {
    hit('drop-pending');
    await realRemove(source, unit);
  };
  const make = () =>
    new UnitAnnouncer({ stream: 'rc', rawFiles, files: testDurableFiles, announcer, checkpoints, pending, producer: { app: 'stream-ingest', instance: 't:1', version: '0' }, logger: silentLogger });
  return { announced, deadLetters, checkpoints, pending, make };
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

const checkpoint: StreamCheckpoint = { ...emptyCheckpoint('rc', 'http://x/rc'), position: '[{"topic":"t","partition":0,"offset":9}]', hadEvents: true, window: ['a', 'b'] };
const deadLetter: DeadLetterFields = {
  schemaVersion: 1,
  eventId: '8f0e2b7c-5d7c-4b8e-9d2a-3f1c2b4a5e6f',
  stage: 'stream-ingest',
  reason: 'MALFORMED_JSON',
  message: 'cut off',
  original: { value: '{"x":', encoding: 'utf8' },
  occurredAt: '2023-07-29T07:51:40.000Z',
};
const unit: Unit = {
  fetchedAt: new Date('2023-07-29T07:52:00Z'),
  files: [
    { source: 'stream-gaps', dataset: 'stream_gaps', label: 'gap', records: [record('gap-1')] },
    { source: 'rc', dataset: 'recentchange', label: 'batch', records: [record('a'), record('b')] },
  ],
  deadLetters: [deadLetter],
  checkpoint,
};

describe('UnitAnnouncer crash windows', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'unit-announcer-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('announces the gap file, then the batch file, then saves the checkpoint, leaving nothing pending', async () => {
    const w = world(dir, { step: 'none' });
    const references = await w.make().commit(unit);
    expect(references.map((r) => r.source)).toEqual(['stream-gaps', 'rc']);
    expect(w.announced).toEqual(references);
    expect(w.deadLetters).toEqual([deadLetter]);
    expect(await w.checkpoints.load('rc', 'http://x/rc')).toEqual(checkpoint);
    expect(await w.pending.list('rc')).toEqual([]);
  });

  it.each<[Step, 'redone' | 'finished']>([
    ['stage', 'redone'],
    ['pending', 'redone'],
    ['commit', 'finished'],
    ['announce', 'finished'],
    ['checkpoint', 'finished'],
    ['drop-pending', 'finished'],
  ])('a crash at %s: the restart has %s the unit — never two files for the same events, checkpoint never ahead of Kafka', async (step, outcome) => {
    const crashAt = { step };
    const w = world(dir, crashAt);
    await expect(w.make().commit(unit)).rejects.toBeInstanceOf(Crash);
    const beforeRestart = [...w.announced];
    expect((await w.checkpoints.load('rc', 'http://x/rc')).position).toBe(step === 'drop-pending' ? checkpoint.position : null);

    crashAt.step = 'none';
    const recovered = await w.make().recover();
    const saved = await w.checkpoints.load('rc', 'http://x/rc');
    if (outcome === 'redone') {
      expect(recovered).toBe(0);
      expect(w.announced).toEqual([]);
      expect(saved.position).toBeNull(); // the events will be received again and written anew
    } else {
      expect(recovered).toBe(1);
      expect(saved).toEqual(checkpoint);
      const ids = new Set(w.announced.map((r) => r.eventId));
      expect(ids.size).toBe(2); // re-announcements reuse the event ids and files
      expect(new Set(w.announced.map((r) => r.uri)).size).toBe(2);
      expect(w.announced.slice(beforeRestart.length).map((r) => r.source)).toEqual(['stream-gaps', 'rc']);
      for (const reference of w.announced) await expect(exists(join(dir, `${reference.source}-${reference.uri.split('/').pop() ?? ''}`))).resolves.toBe(true);
    }
    expect(await w.pending.list('rc')).toEqual([]);
  });
});
