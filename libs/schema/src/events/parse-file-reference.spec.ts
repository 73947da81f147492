import { SchemaError } from '../errors';
import { parseFileReference, serializeFileReference } from './parse-file-reference';
import { aFileReference } from '../testing';

function parseError(payload: string): SchemaError {
  try {
    parseFileReference(payload);
  } catch (error) {
    if (error instanceof SchemaError) return error;
    throw error;
  }
  throw new Error('expected parseFileReference to throw');
}

describe('parseFileReference', () => {
  it('round-trips a valid reference', () => {
    const reference = aFileReference();
    const parsed = parseFileReference(serializeFileReference(reference));
    expect(parsed).toMatchObject(reference);
    expect(parsed.producer.app).toBe('ingest');
  });

  it('rejects malformed JSON with MALFORMED_JSON', () => {
    expect(parseError('{"schemaVersion":1,').code).toBe('MALFORMED_JSON');
  });

  it.each([[2], ['1'], [null]])('rejects schemaVersion %p with UNSUPPORTED_VERSION', (version) => {
    const error = parseError(JSON.stringify({ ...aFileReference(), schemaVersion: version }));
    expect(error.code).toBe('UNSUPPORTED_VERSION');
    expect(error.message).toContain(JSON.stringify(version));
  });

  it('lists every problem of an invalid reference', () => {
    const error = parseError(JSON.stringify({ ...aFileReference(), sha256: 'abc', bytes: -1, eventId: 'x' }));
    expect(error.code).toBe('INVALID_EVENT');
    expect(error.problems).toEqual(
      expect.arrayContaining([expect.stringMatching(/^sha256:/), expect.stringMatching(/^bytes:/), expect.stringMatching(/^eventId:/)]),
    );
    expect(error.retriable).toBe(false);
  });

  it.each(['../etc/passwd.parquet', '/abs/file.parquet', 'raw/../../x.parquet', 'raw/./x.parquet', 'raw\\x.parquet', 'file:///x.parquet', 'raw/x.csv'])(
    'rejects the hostile or foreign uri %s',
    (uri) => {
      const error = parseError(JSON.stringify({ ...aFileReference(), uri }));
      expect(error.code).toBe('INVALID_EVENT');
      expect(error.problems.join('\n')).toContain('uri');
    },
  );

  it('rejects unknown properties instead of carrying them along', () => {
    const error = parseError(JSON.stringify({ ...aFileReference(), surprise: true }));
    expect(error.problems).toEqual([expect.stringContaining('surprise')]);
  });

  it('validates nested producer identity', () => {
    const error = parseError(JSON.stringify({ ...aFileReference(), producer: { app: '', instance: 'h:1', version: '1' } }));
    expect(error.problems).toEqual([expect.stringMatching(/^producer\.app:/)]);
  });
});
