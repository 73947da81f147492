import { ParquetIoError } from './errors';
import { sqlFilePath, sqlIdentifier, sqlString } from './sql';

describe('sql literals', () => {
  it.each([
    ['plain', "'plain'"],
    ["it's", "'it''s'"],
    ["'; DROP TABLE x; --", "'''; DROP TABLE x; --'"],
    ['back\\slash', "'back\\slash'"],
    ['', "''"],
  ])('sqlString(%j) = %s', (input, expected) => {
    expect(sqlString(input)).toBe(expected);
  });

  it.each([
    ['record_key', '"record_key"'],
    ['we"ird', '"we""ird"'],
    ['select', '"select"'],
  ])('sqlIdentifier(%j) = %s', (input, expected) => {
    expect(sqlIdentifier(input)).toBe(expected);
  });

  it.each([['a\0b'], ['']])('sqlIdentifier refuses %j', (input) => {
    expect(() => sqlIdentifier(input)).toThrow(ParquetIoError);
  });

  it('sqlString refuses NUL', () => {
    expect(() => sqlString('a\0b')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it.each([['relative/x.parquet'], ['/lake/*.parquet'], ['/lake/x?.parquet'], ['/lake/[ab].parquet'], ['/lake/{a,b}.parquet']])(
    'sqlFilePath refuses %j',
    (path) => {
      expect(() => sqlFilePath(path)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    },
  );

  it("sqlFilePath quotes an absolute path with quotes in it", () => {
    expect(sqlFilePath("/lake/o'brien.parquet")).toBe("'/lake/o''brien.parquet'");
  });
});
