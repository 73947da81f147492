import { FluxoError } from '@fluxo/schema';
import { ParquetIoError } from './errors';

const systemError = (code: string) => Object.assign(new Error(`${code}: boom`), { code });

describe('ParquetIoError', () => {
  it('is a FluxoError with code, context and cause', () => {
    const cause = new Error('inner');
    const error = new ParquetIoError('CHECKSUM_MISMATCH', 'bad sum', { cause, context: { uri: 'raw/a/date=2025-05-04/x.parquet', expected: 'a', actual: 'b' } });
    expect(error).toBeInstanceOf(FluxoError);
    expect(error.name).toBe('ParquetIoError');
    expect(error.retriable).toBe(false);
    expect(error.context).toEqual({ uri: 'raw/a/date=2025-05-04/x.parquet', expected: 'a', actual: 'b' });
    expect(error.toJSON()).toMatchObject({ code: 'CHECKSUM_MISMATCH', cause: 'inner' });
  });

  it.each([
    ['ENOSPC', true],
    ['EDQUOT', true],
    ['EIO', true],
    ['EMFILE', true],
    ['EACCES', false],
    ['EROFS', false],
    ['ENOTDIR', false],
  ])('fromSystemError(%s) is retriable: %s', (errno, retriable) => {
    const error = ParquetIoError.fromSystemError('WRITE_FAILED', 'could not write', systemError(errno), { path: '/x' });
    expect(error.code).toBe('WRITE_FAILED');
    expect(error.retriable).toBe(retriable);
    expect(error.context).toEqual({ path: '/x', errno });
  });

  it('fromSystemError keeps an existing ParquetIoError as is', () => {
    const original = new ParquetIoError('QUERY_FAILED', 'no');
    expect(ParquetIoError.fromSystemError('WRITE_FAILED', 'x', original)).toBe(original);
  });

  it('fromSystemError of a plain error is not retriable', () => {
    expect(ParquetIoError.fromSystemError('READ_FAILED', 'x', new Error('?')).retriable).toBe(false);
  });
});
