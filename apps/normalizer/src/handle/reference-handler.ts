import { createHash } from 'node:crypto';
import {
  compileMapping,
  describeError,
  FluxoError,
  parseFileReference,
  type CompiledMapping,
  type DefinitionCatalog,
  type FileReference,
  type FileReferenceFields,
  type Logger,
  type ProducerIdentity,
} from '@fluxo/schema';
import { assertSchema, RAW_SCHEMA, RAW_SCHEMA_FINGERPRINT, type Lake, type ParquetEngine } from '@fluxo/parquet-io';
import { curateRawFile, type CuratedFile } from '../curate/curate-raw-file';
import type { VersionLedger } from '../curate/version-ledger';
import { NormalizerError } from '../errors';
import type { Announcer, ConsumedReference } from '../ports';
import type { DeadLetters } from './dead-letters';

export interface ReferenceHandlerDeps {
  readonly engine: ParquetEngine;
  readonly lake: Lake;
  readonly catalog: DefinitionCatalog;
  readonly ledger: VersionLedger;
  readonly announcer: Announcer;
  readonly deadLetters: DeadLetters;
  readonly producer: ProducerIdentity;
  readonly logger: Logger;
}

export type HandleOutcome =
  | { readonly kind: 'curated'; readonly files: readonly CuratedFile[]; readonly rejectedRows: number; readonly alreadyCurated: number }
  | { readonly kind: 'dead-lettered'; readonly reason: string };

/**
 * Processes one record of the raw-files topic: validate the reference, verify the file it points
 * at (confinement, size, checksum, schema), curate it, announce each curated file. Failures that
 * would fail again (bad reference, hostile URI, corrupt file, unknown source…) are dead-lettered
 * and the handler returns normally, so the consumer commits and moves on; retriable failures
 * (Kafka or disk trouble) are thrown, so the offset is not committed and the record is retried.
 */
export class ReferenceHandler {
  private readonly mappings = new Map<string, CompiledMapping>();

  constructor(private readonly deps: ReferenceHandlerDeps) {}

  async handle(message: ConsumedReference): Promise<HandleOutcome> {
    let reference: FileReference | undefined;
    try {
      reference = parseFileReference(message.value ?? Buffer.alloc(0));
      return await this.curate(message, reference);
    } catch (error) {
      if (error instanceof FluxoError && error.retriable) throw error;
      const reason = error instanceof FluxoError ? error.code : 'UNEXPECTED';
      if (!(error instanceof FluxoError)) this.deps.logger.error({ err: describeError(error), stack: (error as Error).stack }, 'unexpected failure');
      await this.deps.deadLetters.send({
        message,
        reason,
        description: describeError(error),
        ...(reference === undefined ? {} : { reference }),
        ...(error instanceof FluxoError ? { details: { ...error.context } } : {}),
      });
      return { kind: 'dead-lettered', reason };
    }
  }

  private async curate(message: ConsumedReference, reference: FileReference): Promise<HandleOutcome> {
    const { catalog, lake, logger } = this.deps;
    if (reference.kind !== 'raw') {
      throw new NormalizerError('NOT_A_RAW_FILE', `Reference ${reference.eventId} announces a ${reference.kind} file, not a raw one`);
    }
    const source = catalog.source(reference.source);
    if (source.dataset !== reference.dataset) {
      throw new NormalizerError('DATASET_MISMATCH', `Source ${source.name} feeds ${source.dataset}, but the reference says ${reference.dataset}`);
    }
    if (reference.schemaFingerprint !== RAW_SCHEMA_FINGERPRINT) {
      throw new NormalizerError('SCHEMA_MISMATCH', `Reference ${reference.eventId} announces a schema that is not the raw file schema`, {
        context: { expected: RAW_SCHEMA_FINGERPRINT, actual: reference.schemaFingerprint },
      });
    }
    const rawPath = await lake.verify(reference);
    await assertSchema(this.deps.engine, rawPath, RAW_SCHEMA); // the file itself, not only what the reference claims
    const dataset = catalog.dataset(source.dataset);
    const started = Date.now();
    const result = await curateRawFile(this.deps, {
      rawPath,
      dataset,
      mapping: this.mappingOf(source.name),
      lineage: { source: source.name, rawUri: reference.uri, topic: message.topic, partition: message.partition, offset: message.offset },
    });
    for (const file of result.files) await this.deps.announcer.announce(this.curatedReference(reference, file, message));
    if (result.rejected !== null) {
      await this.deps.deadLetters.send({
        message,
        reason: 'ROWS_REJECTED',
        description: `${result.rejected.rows} row(s) of ${reference.uri} lack a required column and were quarantined`,
        reference,
        quarantineUri: result.rejected.uri,
        details: { missingColumns: result.rejected.missing },
      });
    }
    logger.info(
      { uri: reference.uri, files: result.files.length, rows: sum(result.files), rejected: result.rejected?.rows ?? 0, alreadyCurated: result.alreadyCurated, ms: Date.now() - started },
      'curated raw file',
    );
    return { kind: 'curated', files: result.files, rejectedRows: result.rejected?.rows ?? 0, alreadyCurated: result.alreadyCurated };
  }

  private mappingOf(sourceName: string): CompiledMapping {
    let mapping = this.mappings.get(sourceName);
    if (mapping === undefined) {
      const source = this.deps.catalog.source(sourceName);
      mapping = compileMapping(source, this.deps.catalog.dataset(source.dataset));
      this.mappings.set(sourceName, mapping);
    }
    return mapping;
  }

  private curatedReference(raw: FileReference, file: CuratedFile, message: ConsumedReference): FileReferenceFields {
    return {
      schemaVersion: 1,
      // Same raw reference and output file → same id, so a replay re-announces, not announces anew.
      eventId: uuidFrom(`${raw.eventId}:${file.uri}`),
      kind: 'curated',
      source: raw.source,
      dataset: raw.dataset,
      uri: file.uri,
      sha256: file.sha256,
      bytes: file.bytes,
      rows: file.rows,
      schemaFingerprint: file.schemaFingerprint,
      minEventTime: file.minEventTime,
      maxEventTime: file.maxEventTime,
      producer: this.deps.producer,
      producedAt: new Date().toISOString(),
      inputs: [{ uri: raw.uri, sha256: raw.sha256, topic: message.topic, partition: message.partition, offset: message.offset }],
    };
  }
}

function sum(files: readonly CuratedFile[]): number {
  return files.reduce((total, file) => total + file.rows, 0);
}

/** A version-4-shaped UUID derived from a name (stable across replays). */
export function uuidFrom(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex');
  const variant = ((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
