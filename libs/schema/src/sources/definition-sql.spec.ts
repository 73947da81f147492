import 'reflect-metadata'; // decorators of the definitions need it before compile-mapping loads them
import { BUILTIN_DEFINITIONS } from './builtin-definitions';
import { compileMapping } from './compile-mapping';
import { DefinitionCatalog } from './definition-catalog';
import { DENIED_SQL_FUNCTIONS, sqlExpressionProblems } from './sql-expression';

/** The built-in definitions with one mapping of usgs-earthquakes replaced, and optionally one dataset column renamed. */
function catalogWith(mapping: Record<string, unknown>, renameColumn?: { from: string; to: string }) {
  const sources = BUILTIN_DEFINITIONS.sources.map((input) => {
    const definition = input.definition as { name: string; mapping: { column: string }[] };
    if (definition.name !== 'usgs-earthquakes') return input;
    const column = String(mapping['column']);
    return { ...input, definition: { ...definition, mapping: [...definition.mapping.filter((m) => m.column !== column && m.column !== renameColumn?.from), mapping] } };
  });
  const datasets = BUILTIN_DEFINITIONS.datasets.map((input) => {
    const definition = input.definition as { name: string; columns: { name: string }[] };
    if (renameColumn === undefined || definition.name !== 'earthquakes') return input;
    return { ...input, definition: { ...definition, columns: definition.columns.map((c) => (c.name === renameColumn.from ? { ...c, name: renameColumn.to } : c)) } };
  });
  return () => DefinitionCatalog.build({ sources, datasets });
}

describe('issue 9: a definition expr is accepted only as ONE expression', () => {
  it.each([
    "TRY_CAST(json_extract_string(record, '$.properties.tsunami') AS INTEGER) = 1",
    "COALESCE(TRY_CAST(json_extract_string(record, '$.meta.dt') AS TIMESTAMPTZ), to_timestamp(1))",
    "extract(year FROM fetched_at) + 0",
    "substring(record_key FROM 1 FOR 3) || 'it''s -- not a comment; select'",
    'CASE WHEN "record" IS NULL THEN 0 ELSE length(record) END',
    "list_transform([1, 2], x -> x + 1)[1]",
    "TRY_CAST(x AS TIMESTAMP WITH TIME ZONE)",
  ])('accepts %s', (expr) => {
    expect(sqlExpressionProblems(expr)).toEqual([]);
  });

  it.each([
    ["1; COPY (SELECT 1) TO '/tmp/x'", /';' is not allowed/],
    ["(SELECT content FROM read_text('/etc/hostname'))", /"SELECT" is a statement keyword/],
    ["read_text('/etc/hostname')", /"read_text" is not allowed/],
    ['"read_text"(\'/etc/hostname\')', /"read_text" is not allowed/],
    ["glob('/etc/*')", /"glob" is not allowed/],
    ["getenv('HOME')", /"getenv" is not allowed/],
    ["current_setting('enable_external_access')", /"current_setting" is not allowed/],
    ["(FROM '/etc/passwd')", /"FROM" is only allowed inside extract/],
    ['1 -- ; ATTACH', /comments are not allowed/],
    ['1 /* */ + 2', /comments are not allowed/],
    ["E'\\'' || 1", /prefixed string literals/],
    ['$$x$$', /"\$" is not allowed/],
    ['1) AS a, (2', /unbalanced brackets/],
    ['1, 2', /a comma at the top level/],
    ["http_get('https://example.org')", /"http_get" is not allowed/],
    ['unnest([1, 2])', /"unnest" is not allowed/],
    ["'unterminated", /unterminated string literal/],
  ])('rejects %s', (expr, problem) => {
    expect(sqlExpressionProblems(expr)).toContainEqual(expect.stringMatching(problem));
  });

  it('documents its deny-list (file readers, environment, settings)', () => {
    expect(DENIED_SQL_FUNCTIONS).toEqual(expect.arrayContaining(['glob', 'read_csv', 'read_parquet', 'getenv', 'current_setting', 'query']));
  });

  it('fails the catalog at load time with one clear message naming the source and mapping', () => {
    expect(catalogWith({ column: 'place', expr: "(SELECT content FROM read_text('/etc/hostname'))" })).toThrow(
      expect.objectContaining({
        code: 'INVALID_DEFINITION',
        problems: expect.arrayContaining([expect.stringMatching(/^source usgs-earthquakes: mapping\[\d+\] \(place\): "SELECT" is a statement keyword/)]),
      }),
    );
  });
});

describe('issue 9: column names are SQL identifiers, quoted in generated SQL', () => {
  it('rejects "a-b" as a column name at validation, with one message', () => {
    expect(catalogWith({ column: 'a-b', path: 'properties.place' }, { from: 'place', to: 'a-b' })).toThrow(
      expect.objectContaining({
        code: 'INVALID_DEFINITION',
        problems: expect.arrayContaining([expect.stringMatching(/column name must be a lowercase SQL identifier: .*\(no "-"\)/)]),
      }),
    );
  });

  it('quotes every identifier it generates', () => {
    const catalog = DefinitionCatalog.build(BUILTIN_DEFINITIONS);
    const source = catalog.source('usgs-earthquakes');
    const compiled = compileMapping(source, catalog.dataset(source.dataset));
    expect(compiled.extractions[0]).toMatch(/^json_extract_string\("record", \[.*\]\) AS "_record"$/);
    for (const column of compiled.columns) expect(column.identifier).toBe(`"${column.name}"`);
    const mag = compiled.columns.find((c) => c.name === 'magnitude');
    expect(mag?.sql).toContain('"_record"[');
  });
});
