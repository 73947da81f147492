import { SparkConnectError } from './errors';
import { literal, sqlRelation } from './parameters';

describe('SQL parameters as typed literals', () => {
  it('maps JavaScript values to Spark literals', () => {
    expect(literal('x')).toEqual({ string: 'x' });
    expect(literal(true)).toEqual({ boolean: true });
    expect(literal(7)).toEqual({ integer: 7 });
    expect(literal(-(2 ** 31))).toEqual({ integer: -(2 ** 31) });
    expect(literal(2 ** 31)).toEqual({ long: '2147483648' });
    expect(literal(0.5)).toEqual({ double: 0.5 });
    expect(literal(9223372036854775807n)).toEqual({ long: '9223372036854775807' });
    expect(literal(new Date('1970-01-01T00:00:00.001Z'))).toEqual({ timestamp: '1000' });
    expect(literal(new Date('1969-12-31T23:59:59.999Z'))).toEqual({ timestamp: '-1000' });
    expect(literal(Uint8Array.of(1, 2))).toEqual({ binary: Uint8Array.of(1, 2) });
    expect(literal(null)).toEqual({ null: { null: {} } });
  });

  it('builds named and positional SQL relations', () => {
    expect(sqlRelation('SELECT 1', undefined)).toEqual({ query: 'SELECT 1' });
    expect(sqlRelation('SELECT :a', { a: 'x' })).toEqual({ query: 'SELECT :a', named_arguments: { a: { literal: { string: 'x' } } } });
    expect(sqlRelation('SELECT ?, ?', [1, null])).toEqual({ query: 'SELECT ?, ?', pos_arguments: [{ literal: { integer: 1 } }, { literal: { null: { null: {} } } }] });
  });

  it.each([
    ['a BIGINT overflow', 2n ** 63n],
    ['NaN', Number.NaN],
    ['an infinity', Number.POSITIVE_INFINITY],
    ['an invalid Date', new Date('nope')],
    ['an object', { a: 1 } as unknown as string],
  ])('rejects %s with INVALID_ARGUMENT', (_label, value) => {
    expect(() => literal(value)).toThrow(SparkConnectError);
    try {
      literal(value);
    } catch (error) {
      expect((error as SparkConnectError).code).toBe('INVALID_ARGUMENT');
    }
  });

  it('rejects parameter names that are not identifiers', () => {
    expect(() => sqlRelation('SELECT 1', { 'a b': 1 })).toThrow(/not an identifier/);
  });
});
