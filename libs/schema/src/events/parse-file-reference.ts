import { SchemaError } from '../errors';
import { validatePlain } from '../validation';
import { FILE_REFERENCE_VERSION, FileReference, type FileReferenceFields } from './file-reference';

/**
 * Parses and validates a reference read from Kafka. Throws `SchemaError` with code
 * `MALFORMED_JSON`, `UNSUPPORTED_VERSION` or `INVALID_EVENT` (listing every problem).
 */
export function parseFileReference(payload: Buffer | string): FileReference {
  let plain: unknown;
  try {
    plain = JSON.parse(typeof payload === 'string' ? payload : payload.toString('utf8'));
  } catch (cause) {
    throw new SchemaError('MALFORMED_JSON', 'File reference is not valid JSON', [], { cause });
  }
  const version = typeof plain === 'object' && plain !== null ? (plain as Record<string, unknown>)['schemaVersion'] : undefined;
  if (version !== FILE_REFERENCE_VERSION) {
    throw new SchemaError(
      'UNSUPPORTED_VERSION',
      `File reference schemaVersion ${JSON.stringify(version)} is not supported (this build reads ${FILE_REFERENCE_VERSION})`,
      [],
      { context: { schemaVersion: version } },
    );
  }
  return validateFileReference(plain);
}

/** Validates a reference built in memory; producers call it before publishing. */
export function validateFileReference(plain: unknown): FileReference {
  const result = validatePlain(FileReference, plain);
  if (result.value === undefined) {
    throw new SchemaError('INVALID_EVENT', 'File reference is invalid', result.problems);
  }
  return result.value;
}

/** The JSON a producer publishes; validated so an invalid event never leaves the process. */
export function serializeFileReference(reference: FileReferenceFields): Buffer {
  return Buffer.from(JSON.stringify(validateFileReference(reference)), 'utf8');
}
