import { sqlString } from '@fluxo/schema';
import { LakehouseError } from './errors';
import type { Lakehouse } from './lakehouse';
import type { SqlSession } from './sql-engine';

/** How far a consumer group got in one topic-partition, as committed with the data it produced. */
export interface PartitionProgress {
  readonly group: string;
  readonly topic: string;
  readonly partition: number;
  /** The next offset to process: every record before it is in the tables. Decimal string (64-bit). */
  readonly nextOffset: string;
}

export interface CommittedProgress extends PartitionProgress {
  /** The snapshot that committed it (and the data of the batch that ended there). */
  readonly snapshotId: number;
}

const SCHEMA = 'fluxo_meta';
const TABLE = 'consumer_progress';

/**
 * Kafka offsets committed in the same catalog transaction as the rows they produced: the sink's
 * own record of what it consumed (exactly once by commit). A replayed record whose offset is below
 * the committed one is already in the tables. One row per group and partition; the snapshot that
 * wrote it is the commit that moved it last.
 */
export class ConsumerProgress {
  private readonly started = new Set<string>();

  constructor(private readonly lakehouse: Lakehouse) {}

  private get table(): string {
    return this.lakehouse.table(TABLE, SCHEMA);
  }

  /** Creates the progress table if needed. */
  async ensure(): Promise<void> {
    const [exists] = await this.lakehouse.engine.all<{ n: number }>(
      `SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_catalog = ${sqlString(this.lakehouse.alias)} AND table_schema = '${SCHEMA}' AND table_name = '${TABLE}'`,
    );
    if ((exists?.n ?? 0) > 0) return;
    await this.lakehouse.commit('create consumer progress', async (tx) => {
      await tx.run(`CREATE SCHEMA IF NOT EXISTS ${this.lakehouse.alias}.${SCHEMA}`);
      await tx.run(
        `CREATE TABLE IF NOT EXISTS ${this.table} (consumer_group VARCHAR NOT NULL, topic VARCHAR NOT NULL, kafka_partition INTEGER NOT NULL, next_offset BIGINT NOT NULL, committed_at TIMESTAMPTZ NOT NULL)`,
      );
    });
  }

  /**
   * Gives a partition its first progress row (offset 0) in a commit of its own, if it has none, so
   * that every later `advance` replaces a row: what makes concurrent commits conflict from the very
   * first batch. Idempotent; remembered per instance.
   */
  async start(group: string, topic: string, partition: number): Promise<void> {
    const key = `${group}\u0000${topic}\u0000${partition}`;
    if (this.started.has(key)) return;
    await this.lakehouse.commit(`start progress ${topic}[${partition}]`, async (tx) => {
      if ((await this.read(group, topic, partition, tx)) !== null) return;
      await tx.run(`INSERT INTO ${this.table} VALUES (${sqlString(group)}, ${sqlString(topic)}, ${Math.trunc(partition)}, 0, now())`);
    });
    this.started.add(key);
  }

  /**
   * Inside a commit: moves a partition's progress from `from` (the first offset the batch
   * processed) to `to.nextOffset`. Throws `PROGRESS_MOVED` when the partition's committed progress
   * is already past `from` — another member committed these records (a rebalance overlap): the
   * caller rolls back and treats them as done. The previous row is replaced, so two writers
   * committing at once always conflict in the catalog (one retries and sees the other's progress)
   * and the table keeps one row per partition. The check is the replacement itself: the row is
   * deleted only if none of the partition's rows is past `from`, in the same statement: the common case costs no separate read.
   */
  async advance(tx: SqlSession, to: PartitionProgress, from: string): Promise<void> {
    const where = `consumer_group = ${sqlString(to.group)} AND topic = ${sqlString(to.topic)} AND kafka_partition = ${Math.trunc(to.partition)}`;
    // Every row of the partition goes, unless one is past `from` (then none does).
    const [deleted] = await tx.all<{ Count: number | bigint }>(
      `DELETE FROM ${this.table} WHERE ${where} AND NOT EXISTS (SELECT 1 FROM ${this.table} WHERE ${where} AND next_offset > ${offsetLiteral(from)})`,
    );
    if (Number(deleted?.Count ?? 0) === 0) {
      const current = await this.read(to.group, to.topic, to.partition, tx);
      if (current === null) {
        throw new LakehouseError('INVALID_ARGUMENT', `${to.topic}[${to.partition}] of group ${to.group} has no progress row: call start() first`);
      }
      throw new LakehouseError('PROGRESS_MOVED', `${to.topic}[${to.partition}] of group ${to.group} is committed up to ${current.nextOffset}, past ${from}`, {
        context: { group: to.group, topic: to.topic, partition: to.partition, committed: current.nextOffset, from },
      });
    }
    await tx.run(`INSERT INTO ${this.table} VALUES (${sqlString(to.group)}, ${sqlString(to.topic)}, ${Math.trunc(to.partition)}, ${offsetLiteral(to.nextOffset)}, now())`);
  }

  /** The furthest committed progress of a group in one partition, or null when it never committed there. */
  async read(group: string, topic: string, partition: number, session: SqlSession = this.lakehouse.engine): Promise<CommittedProgress | null> {
    const [row] = await session.all<{ next_offset: string; snapshot_id: number }>(
      `SELECT next_offset::VARCHAR AS next_offset, snapshot_id FROM ${this.table} ` +
        `WHERE consumer_group = ${sqlString(group)} AND topic = ${sqlString(topic)} AND kafka_partition = ${Math.trunc(partition)} ` +
        `ORDER BY next_offset DESC LIMIT 1`,
    );
    return row === undefined ? null : { group, topic, partition, nextOffset: row.next_offset, snapshotId: Number(row.snapshot_id) };
  }

  /** Every group's latest progress per partition (for status and for raw-file garbage collection). */
  async latest(): Promise<PartitionProgress[]> {
    const rows = await this.lakehouse.engine.all<{ consumer_group: string; topic: string; kafka_partition: number; next_offset: string }>(
      `SELECT consumer_group, topic, kafka_partition, max(next_offset)::VARCHAR AS next_offset FROM ${this.table} GROUP BY ALL ORDER BY ALL`,
    );
    return rows.map((row) => ({ group: row.consumer_group, topic: row.topic, partition: row.kafka_partition, nextOffset: row.next_offset }));
  }
}

function offsetLiteral(offset: string): string {
  if (!/^\d{1,19}$/.test(offset)) throw new LakehouseError('INVALID_ARGUMENT', `not a Kafka offset: ${offset}`);
  return `${offset}::BIGINT`;
}
