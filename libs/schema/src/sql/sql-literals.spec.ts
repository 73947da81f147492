import { SchemaError } from '../errors';
import { sqlIdentifier, sqlString } from './sql-literals';

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
    expect(() => sqlIdentifier(input)).toThrow(SchemaError);
  });

  it('sqlString refuses NUL', () => {
    expect(() => sqlString('a\0b')).toThrow(expect.objectContaining({ code: 'INVALID_SQL_LITERAL' }));
  });

});
