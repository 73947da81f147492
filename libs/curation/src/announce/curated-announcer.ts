import { createHash } from 'node:crypto';
import { access } from 'node:fs/promises';
import { relative } from 'node:path';
import { curatedFileReference, type Announcer, type DriftSummaryFields, type FileReference, type FileReferenceFields, type Logger, type ProducerIdentity } from '@fluxo/schema';
import { isObjectUrl, schemaFingerprint, sha256File, sqlFilePath, type Lake, type ParquetEngine, type S3Lake } from '@fluxo/parquet-io';
import type { DataFile, Lakehouse, TableSpec } from '@fluxo/lakehouse';
import type { ConsumedReference } from '../ports';

/** A raw reference of the batch, with the Kafka record that carried it. */
export interface BatchInput {
  readonly message: ConsumedReference;
  readonly reference: FileReference;
}

/**
 * Announces what a commit added to a curated table: one curated reference per new data file on the
 * curated-files topic, with its checksum, rows, event-time range and the raw inputs. Ids derive from
 * the snapshot and the file, so announcing a commit again (after a crash between commit and
 * announcement) repeats the same events rather than adding new ones.
 */
export class CuratedAnnouncer {
  constructor(
    private readonly deps: {
      readonly engine: ParquetEngine;
      readonly lake: Lake;
      /** Where the curated files are when the lake is on S3-compatible storage (their references carry s3:// URIs). */
      readonly s3Lake?: S3Lake;
      readonly lakehouse: Lakehouse;
      readonly announcer: Announcer;
      readonly producer: ProducerIdentity;
      readonly logger: Logger;
    },
  ) {}

  /**
   * Announces the files `snapshotId` added to `table`; returns those announced. A file that maintenance
   * merged and deleted meanwhile (its rows live on in the merged file; a commit announced again
   * after a crash, or a maintenance round between the commit and its announcement) is not
   * announced: there is nothing left to point at, and the table is the record. Any other failure
   * is thrown.
   */
  async announce(snapshotId: number, table: TableSpec, inputs: readonly BatchInput[], drift?: DriftSummaryFields): Promise<DataFile[]> {
    const files = await this.deps.lakehouse.filesAddedIn(table.name, snapshotId);
    const announced: DataFile[] = [];
    for (const file of files) {
      let reference: FileReferenceFields;
      try {
        reference = await this.referenceOf(snapshotId, table, file, inputs, drift);
      } catch (error) {
        if (await this.exists(file.path)) throw error;
        this.deps.logger.info({ table: table.name, snapshot: snapshotId, file: this.uriOf(file.path) }, 'a data file of the commit was merged and deleted by maintenance before its announcement; not announced');
        continue;
      }
      await this.deps.announcer.announce(reference);
      announced.push(file);
    }
    return announced;
  }

  /** Lake-relative for a local file; the object's own s3:// URI on S3 (checked to be inside the lake root). */
  private uriOf(path: string): string {
    if (isObjectUrl(path) && this.deps.s3Lake !== undefined) return this.deps.s3Lake.resolve(path);
    return relative(this.deps.lake.root, path).split('\\').join('/');
  }

  private async sha256Of(path: string): Promise<string> {
    if (isObjectUrl(path) && this.deps.s3Lake !== undefined) return (await this.deps.s3Lake.factsOf(path, path)).sha256;
    return sha256File(path);
  }

  private async exists(path: string): Promise<boolean> {
    if (isObjectUrl(path) && this.deps.s3Lake !== undefined) return this.deps.s3Lake.exists(path, path);
    return exists(path);
  }

  private async referenceOf(snapshotId: number, table: TableSpec, file: DataFile, inputs: readonly BatchInput[], drift: DriftSummaryFields | undefined): Promise<FileReferenceFields> {
    const uri = this.uriOf(file.path);
    const time = `"${table.eventTimeColumn.replaceAll('"', '""')}"`;
    const [range] = await this.deps.engine.all<{ min: string | null; max: string | null }>(
      `SELECT strftime(min(${time}), '%Y-%m-%dT%H:%M:%S.%gZ') AS min, strftime(max(${time}), '%Y-%m-%dT%H:%M:%S.%gZ') AS max FROM read_parquet(${sqlFilePath(file.path)})`,
    );
    const first = inputs[0]?.reference;
    const facts = {
      uri,
      sha256: await this.sha256Of(file.path),
      bytes: file.bytes,
      rows: file.rows,
      schemaFingerprint: schemaFingerprint(table.columns.map((c) => ({ name: c.name, type: c.sqlType }))),
      minEventTime: range?.min ?? null,
      maxEventTime: range?.max ?? null,
    };
    return curatedFileReference(facts, {
      eventId: uuidFrom(`${this.deps.lakehouse.alias}:${snapshotId}:${uri}`),
      source: first?.source ?? table.name,
      dataset: table.name,
      producer: this.deps.producer,
      inputs: inputs.map(({ message, reference }) => ({ uri: reference.uri, sha256: reference.sha256, topic: message.topic, partition: message.partition, offset: message.offset })),
      ...(drift === undefined ? {} : { drift }),
    });
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** A version-4-shaped UUID derived from a name (stable across replays). */
export function uuidFrom(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex');
  const variant = ((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
