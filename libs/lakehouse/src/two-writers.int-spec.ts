/**
 * Two normalizers writing through one PostgreSQL catalog at the same time (each its own DuckDB, as
 * two processes would be). Needs FLUXO_TEST_POSTGRES (a libpq string; `npm test` starts a server)
 * and fails, never skips, without it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@fluxo/schema';
import { ConsumerProgress } from './consumer-progress';
import { Lakehouse } from './lakehouse';
import { TestDuckDBEngine } from './testing/duckdb-engine';
import { QUAKES_TABLE } from './testing/quakes-table';

const SPEC = QUAKES_TABLE;

function testPostgres(): string {
  const value = process.env['FLUXO_TEST_POSTGRES']?.trim();
  if (value === undefined || value === '') {
    throw new Error('FLUXO_TEST_POSTGRES is not set: start PostgreSQL with `node tools/local-postgres/postgres.mjs start` and pass its connection string (npm test does this)');
  }
  return value;
}

interface Writer {
  readonly engine: TestDuckDBEngine;
  readonly lakehouse: Lakehouse;
  readonly progress: ConsumerProgress;
}

describe('two writers on a PostgreSQL catalog', () => {
  let dir: string;
  let writers: Writer[];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fluxo-two-writers-'));
    const metadataSchema = `two_writers_${randomBytes(4).toString('hex')}`;
    writers = [];
    for (let i = 0; i < 2; i += 1) {
      const engine = await TestDuckDBEngine.open();
      const lakehouse = await Lakehouse.attach({ engine, catalog: { kind: 'postgres', connection: testPostgres() }, dataPath: join(dir, 'curated'), metadataSchema, logger: silentLogger });
      writers.push({ engine, lakehouse, progress: new ConsumerProgress(lakehouse) });
    }
    await writers[0]?.lakehouse.ensureTable(SPEC);
    await writers[0]?.progress.ensure();
  });
  afterEach(async () => {
    for (const writer of writers) await writer.engine.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Stages rows `prefix0..prefix{n-1}` in a temp table of the writer's engine. */
  async function stage(writer: Writer, prefix: string, n: number): Promise<void> {
    await writer.engine.run(
      `CREATE OR REPLACE TEMP TABLE batch AS SELECT '${prefix}' || i AS event_id, TIMESTAMPTZ '2026-01-01 00:00:00+00' + to_hours(i % 48) AS event_time, ` +
        `'${prefix}' || i AS _record_key, '1' AS _record_version FROM range(${n}) t(i)`,
    );
  }

  it('commit concurrently into one table, each its own partition: every row once, every progress exact', async () => {
    const commits = 12;
    await Promise.all(
      writers.map(async (writer, partition) => {
        await writer.progress.start('g', 'raw', partition);
        for (let c = 0; c < commits; c += 1) {
          await stage(writer, `p${partition}-c${c}-`, 50);
          await writer.lakehouse.commit(`p${partition} c${c}`, async (tx) => {
            await writer.lakehouse.appendDistinct(tx, SPEC, 'batch');
            await writer.progress.advance(tx, { group: 'g', topic: 'raw', partition, nextOffset: String(c + 1) }, String(c));
          });
        }
      }),
    );
    const reader = writers[0];
    const [rows] = (await reader?.engine.all<{ n: number; distinct: number }>(
      `SELECT count(*)::INTEGER AS n, count(DISTINCT _record_key)::INTEGER AS distinct FROM ${reader.lakehouse.table('quakes')}`,
    )) ?? [];
    expect(rows).toEqual({ n: 2 * commits * 50, distinct: 2 * commits * 50 });
    expect((await reader?.progress.latest())?.map((p) => [p.partition, p.nextOffset])).toEqual([
      [0, String(commits)],
      [1, String(commits)],
    ]);
  });

  it('race to commit the same records of one partition: exactly one wins, the rows land once', async () => {
    const outcomes = await Promise.allSettled(
      writers.map(async (writer) => {
        await writer.progress.start('g', 'raw', 0);
        await stage(writer, 'same-', 200);
        await writer.lakehouse.commit('same records', async (tx) => {
          await writer.lakehouse.appendDistinct(tx, SPEC, 'batch');
          await writer.progress.advance(tx, { group: 'g', topic: 'raw', partition: 0, nextOffset: '10' }, '0');
        });
      }),
    );
    const fulfilled = outcomes.filter((o) => o.status === 'fulfilled');
    const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(fulfilled).toHaveLength(1);
    expect(rejected.map((o) => (o.reason as { code?: string }).code)).toEqual(['PROGRESS_MOVED']);
    const reader = writers[1];
    const [rows] = (await reader?.engine.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${reader.lakehouse.table('quakes')}`)) ?? [];
    expect(rows?.n).toBe(200);
  });
});
