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
 * the committed one is already in the tables. The table is append-only; `prune` drops superseded
 * rows so it stays as small as the number of partitions times the recent commits.
 */
export class ConsumerProgress {
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

  /** Inside a commit: records that these partitions are done up to (excluding) `nextOffset`. */
  async record(tx: SqlSession, progress: readonly PartitionProgress[]): Promise<void> {
    if (progress.length === 0) return;
    const values = progress.map((p) => `(${sqlString(p.group)}, ${sqlString(p.topic)}, ${Math.trunc(p.partition)}, ${offsetLiteral(p.nextOffset)}, now())`);
    await tx.run(`INSERT INTO ${this.table} VALUES ${values.join(', ')}`);
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

  /** The commits of a group in one partition whose progress reaches past `offset` (oldest first). */
  async commitsAfter(group: string, topic: string, partition: number, offset: string): Promise<CommittedProgress[]> {
    const rows = await this.lakehouse.engine.all<{ next_offset: string; snapshot_id: number }>(
      `SELECT next_offset::VARCHAR AS next_offset, snapshot_id FROM ${this.table} ` +
        `WHERE consumer_group = ${sqlString(group)} AND topic = ${sqlString(topic)} AND kafka_partition = ${Math.trunc(partition)} AND next_offset > ${offsetLiteral(offset)} ` +
        `ORDER BY next_offset`,
    );
    return rows.map((row) => ({ group, topic, partition, nextOffset: row.next_offset, snapshotId: Number(row.snapshot_id) }));
  }

  /** Every group's latest progress per partition (for status and for raw-file garbage collection). */
  async latest(): Promise<PartitionProgress[]> {
    const rows = await this.lakehouse.engine.all<{ consumer_group: string; topic: string; kafka_partition: number; next_offset: string }>(
      `SELECT consumer_group, topic, kafka_partition, max(next_offset)::VARCHAR AS next_offset FROM ${this.table} GROUP BY ALL ORDER BY ALL`,
    );
    return rows.map((row) => ({ group: row.consumer_group, topic: row.topic, partition: row.kafka_partition, nextOffset: row.next_offset }));
  }

  /** Deletes rows superseded by a later commit of the same partition and older than `olderThanMs`. */
  async prune(olderThanMs: number): Promise<void> {
    await this.lakehouse.commit('prune consumer progress', (tx) =>
      tx.run(
        `DELETE FROM ${this.table} p WHERE committed_at < now() - INTERVAL ${Math.max(0, Math.trunc(olderThanMs))} MILLISECOND ` +
          `AND next_offset < (SELECT max(q.next_offset) FROM ${this.table} q WHERE q.consumer_group = p.consumer_group AND q.topic = p.topic AND q.kafka_partition = p.kafka_partition)`,
      ),
    );
  }
}

function offsetLiteral(offset: string): string {
  if (!/^\d{1,19}$/.test(offset)) throw new LakehouseError('INVALID_ARGUMENT', `not a Kafka offset: ${offset}`);
  return `${offset}::BIGINT`;
}
