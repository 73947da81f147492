import { sqlFilePath } from './sql';

describe('sql file paths', () => {
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
