import { parseFileReference, type AnySourceDefinition, type DatasetDefinition, type DefinitionCatalog, type FileReference } from '@fluxo/schema';
import { assertSchema, RAW_SCHEMA, RAW_SCHEMA_FINGERPRINT, type Lake, type ParquetEngine } from '@fluxo/parquet-io';
import { NormalizerError } from '../errors';
import type { ConsumedReference } from '../ports';

/** A raw-file reference that passed every check, with the file it points at. */
export interface VerifiedRawFile {
  readonly reference: FileReference;
  readonly source: AnySourceDefinition;
  readonly dataset: DatasetDefinition;
  /** Absolute path of the verified file inside the lake, or its s3:// object URL. */
  readonly path: string;
  /** FILE_CHANGED (retriable) when the path no longer leads to the bytes verified: call after reading. */
  readonly assertUnchanged: () => Promise<void>;
}

/**
 * Validates a record of the raw-files topic and the file it points at: a valid raw reference, a
 * known source feeding the announced dataset, the raw schema announced and actually present, and
 * the file confined to the lake with the announced size and checksum. Throws typed errors
 * (schema, parquet-io or NormalizerError codes) that become the dead letter's reason.
 */
export async function verifyRawReference(
  deps: { readonly engine: ParquetEngine; readonly lake: Pick<Lake, 'verifyFile'>; readonly catalog: DefinitionCatalog },
  message: ConsumedReference,
  onParsed: (reference: FileReference) => void,
): Promise<VerifiedRawFile> {
  const reference = parseFileReference(message.value ?? Buffer.alloc(0));
  onParsed(reference);
  if (reference.kind !== 'raw') {
    throw new NormalizerError('NOT_A_RAW_FILE', `Reference ${reference.eventId} announces a ${reference.kind} file, not a raw one`);
  }
  const source = deps.catalog.source(reference.source);
  if (source.dataset !== reference.dataset) {
    throw new NormalizerError('DATASET_MISMATCH', `Source ${source.name} feeds ${source.dataset}, but the reference says ${reference.dataset}`);
  }
  if (reference.schemaFingerprint !== RAW_SCHEMA_FINGERPRINT) {
    throw new NormalizerError('SCHEMA_MISMATCH', `Reference ${reference.eventId} announces a schema that is not the raw file schema`, {
      context: { expected: RAW_SCHEMA_FINGERPRINT, actual: reference.schemaFingerprint },
    });
  }
  const { path, assertUnchanged } = await deps.lake.verifyFile(reference);
  await assertSchema(deps.engine, path, RAW_SCHEMA); // the file itself, not only what the reference claims
  return { reference, source, dataset: deps.catalog.dataset(source.dataset), path, assertUnchanged };
}
